"""Efficiency 3: vocabulary-parallel lookups on 2 processes equal the single table.

The snippet, run alone, starts 2 processes through torch.distributed.run on loopback (gloo on
CPU, NCCL on CUDA); run_alone bounds it in time. This reads that run's output."""

import pytest
import torch


@pytest.mark.standalone  # checks a fresh run of the snippet, not tensors of its own
def test_two_processes_agree_with_the_single_table(device, fresh_runs):
    if device.type == "cuda" and torch.cuda.device_count() < 2:
        pytest.skip("NCCL across 2 processes needs 2 GPUs; the CPU session runs gloo")
    done, _ = fresh_runs["efficiency_vocab_parallel"]
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 processes (gloo" in done.stdout or "2 processes (nccl" in done.stdout
    for line in (
        "by hand == single table: True",
        "grad of my rows == slice of the full grad: True",
        "RowwiseParallel == single table: True",
        "my shard: (500, 64)",
    ):
        assert line in done.stdout, done.stdout
