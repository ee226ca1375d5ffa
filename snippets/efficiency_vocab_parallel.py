"""Efficiency 3: one table split across processes by rows (vocabulary
parallelism).

Each of the world_size processes holds V / world_size rows. Two ways, both equal
to the single table bit for bit:
  * by hand, Megatron-LM style: mask the ids outside my rows, look up the rest,
    zero the masked rows, and all-reduce (sum) across processes;
  * with PyTorch's tensor parallelism:
    parallelize_module(..., RowwiseParallel(...)).

Run:  torchrun --nproc_per_node=2 efficiency_vocab_parallel.py
      (gloo on CPU, NCCL on GPU)
      python efficiency_vocab_parallel.py   starts those 2 processes itself
"""

# --8<-- [start:setup]
import gc
import os
import sys

import torch
import torch.distributed as dist
import torch.nn as nn
from torch.distributed.tensor import Replicate
from torch.distributed.tensor.parallel import (
    RowwiseParallel,
    parallelize_module,
)

# the one switch: cpu or cuda
DEVICE = torch.device(os.environ.get("LESSON_DEVICE", "cpu"))
VOCAB, HIDDEN = 1000, 64
# --8<-- [end:setup]


# --8<-- [start:by-hand]
class AllReduceSum(torch.autograd.Function):
    """Sum across processes going forward; pass the gradient through unchanged
    going back.

    Every process computes the same loss over the whole batch, so its gradient
    is already complete; all-reducing it again would count each gradient
    world_size times.
    """

    @staticmethod
    def forward(ctx, x):
        x = x.clone()
        dist.all_reduce(x, op=dist.ReduceOp.SUM)
        return x

    @staticmethod
    def backward(ctx, grad):
        return grad


def vocab_parallel_lookup(input_ids, local_weight, start):
    """This process's share of the lookup: rows [start, start + local rows) of
    the table."""
    end = start + local_weight.shape[0]
    outside = (input_ids < start) | (input_ids >= end)
    # any valid row; zeroed below
    local_ids = (input_ids - start).masked_fill(outside, 0)
    partial = nn.functional.embedding(local_ids, local_weight)
    partial = partial.masked_fill(outside.unsqueeze(-1), 0)
    # each row comes from exactly one process
    return AllReduceSum.apply(partial)
    # --8<-- [end:by-hand]


# --8<-- [start:run]
def compare(rank, world, device):
    """The lookup by hand and by PyTorch, against one full table: plain values,
    so that no tensor outlives the process group."""
    # every process builds the same full table, to compare against
    torch.manual_seed(0)
    full = nn.Embedding(VOCAB, HIDDEN, device=device)
    input_ids = torch.randint(0, VOCAB, (4, 8), device=device)
    expected = full(input_ids)

    rows = VOCAB // world
    local = (
        full.weight.detach()[rank * rows : (rank + 1) * rows]
        .clone()
        .requires_grad_()
    )
    by_hand = vocab_parallel_lookup(input_ids, local, rank * rows)
    by_hand.sum().backward()
    full_grad = torch.autograd.grad(expected.sum(), full.weight)[0]

    mesh = dist.device_mesh.init_device_mesh(device.type, (world,))
    sharded = parallelize_module(
        nn.Embedding(VOCAB, HIDDEN, device=device),
        mesh,
        RowwiseParallel(input_layouts=Replicate()),
    )
    with torch.no_grad():  # load the same weights into this process's shard
        sharded.weight.to_local().copy_(
            full.weight[rank * rows : (rank + 1) * rows]
        )
    # output layout Replicate: the summed, full lookup
    by_pytorch = sharded(input_ids)

    return {
        "by hand == single table": torch.equal(by_hand, expected),
        "grad of my rows == slice of the full grad": torch.equal(
            local.grad, full_grad[rank * rows : (rank + 1) * rows]
        ),
        "RowwiseParallel == single table": torch.equal(by_pytorch, expected),
        "my shard": tuple(sharded.weight.to_local().shape),
    }


def main():
    dist.init_process_group("nccl" if DEVICE.type == "cuda" else "gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    device = (
        torch.device(DEVICE.type, rank) if DEVICE.type == "cuda" else DEVICE
    )
    checks = compare(rank, world, device)
    if rank == 0:
        backend = dist.get_backend()
        rows = VOCAB // world
        print(
            f"{world} processes ({backend}), each with {rows} of {VOCAB} rows"
        )
        for name, value in checks.items():
            print(f"  {name}: {value}")
    gc.collect()  # the collectives' last tensors go while the group still lives
    dist.barrier()  # and no process tears it down while another still uses it
    dist.destroy_process_group()
    # --8<-- [end:run]


if __name__ == "__main__":
    if "RANK" in os.environ:  # started by torchrun
        main()
    elif DEVICE.type == "cuda" and torch.cuda.device_count() < 2:
        # NCCL needs one GPU per process
        print(
            "2 processes need 2 GPUs with NCCL; this machine has "
            f"{torch.cuda.device_count()}. Run it on the CPU (gloo), or on a "
            "machine with 2 GPUs."
        )
    else:  # started by hand: launch 2 processes of this file, as torchrun would
        from torch.distributed.run import main as torchrun

        # torchrun warns when it has to choose
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        sys.exit(
            torchrun(
                [
                    "--standalone",
                    "--nproc_per_node=2",
                    os.path.abspath(__file__),
                ]
            )
        )
