"""The Quiz page: its shape, read from its source, and the proof of every answer it gives.

Each question of docs/quiz.md names, in a comment students never see, the tests that prove
its answer; most of them are here. The first tests check the page itself: enough questions,
every learning objective asked, one closed box per question with feedback on every option and
a link into the lesson, and every proof a test that pytest collects.
"""

import ast
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from advanced_embedding_forward import EmbeddingForward
from lessonbuild.core import captured, facts, registry
from lessonbuild.kit import quiz_source
from positions_rope_relative import absolute_score, apply_rope, rope_score
from positions_yarn import yarn_inv_freq
from task2_inputs_embeds import embed_forward
from task4_batch_padding import masked_mean
from theory1_one_hot_lookup import lookup_as_matmul
from theory3_lookup_cost import lookup_cost
from theory3_table_memory import table_bytes

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = quiz_source.questions()
OBJECTIVES = range(1, 7)  # the lesson's six learning objectives, listed on Home
LESSON_PAGES = set(registry.lesson_pages())
GiB = 2**30


def question(title: str) -> quiz_source.Question:
    (found,) = [q for q in QUESTIONS if q.title == title]
    return found


# The page, as written.


def test_at_least_twelve_questions_each_with_one_closed_box_named_by_its_question():
    assert len(QUESTIONS) >= 12
    for q in QUESTIONS:  # quiz_source checks one box, its three parts, feedback per option
        assert q.box_title == f"Answer to question {q.number}"
        assert not q.box_open, f"question {q.number}: the box is open before the student asks"
        assert len(q.options) >= 2
        assert all(option.feedback.strip() for option in q.options)


def test_every_learning_objective_is_asked():
    asked = {q.objective for q in QUESTIONS}
    assert asked == set(OBJECTIVES), f"objectives asked: {sorted(asked)}"


def test_the_quiz_mixes_kinds_of_question():
    assert any(q.multi for q in QUESTIONS), "no 'choose every case that applies' question"
    assert any("```python" in q.stem for q in QUESTIONS), "no question that reads code"
    assert any("{output:" in option.text for q in QUESTIONS for option in q.options), (
        "no question with a number to compute"
    )


def test_the_first_three_are_the_exercise_sheets():
    titles = [f"{q.number}. {quiz_source.plain(q.title).replace('`', '')}" for q in QUESTIONS]
    assert titles[:3] == [
        "1. The shape of hidden_states",
        "2. Positions in this forward",
        "3. Neither input",
    ]
    assert [o.text for o in QUESTIONS[0].options] == [
        "`(2, 4096, 10)`",
        "`(2, 10, 4096)`",
        "`(10, 2, 4096)`",
    ]
    assert [o.text for o in QUESTIONS[1].options] == ["True", "False"]


def test_every_answer_links_into_a_section_of_the_lesson():
    for q in QUESTIONS:
        for _, target in q.links:
            page, _, anchor = target.partition("#")
            assert page in LESSON_PAGES, f"question {q.number} links to {target}"
            assert anchor, f"question {q.number} links to a whole page: {target}"
            quiz_source.section_title(target)  # raises if the page has no such heading


def test_no_option_states_a_number_by_hand():
    # A number in an option is the question's own (it appears in the question) or is quoted
    # from a capture or facts.yml; code in backticks is the question's code.
    def numbers(text):
        text = re.sub(r"\{(output|fact):[^}]+\}|`[^`]*`", "", text)
        return {n.replace(",", "") for n in re.findall(r"\d[\d,]*", text)}

    for q in QUESTIONS:
        for option in q.options:
            stray = numbers(option.text) - numbers(q.stem.replace("`", ""))
            assert not stray, f"question {q.number} ({option.letter}) types {stray} by hand"


def proof_ids() -> list[str]:
    return sorted({node for q in QUESTIONS for node in q.proofs})


def test_every_answer_names_proof_tests_that_exist():
    for q in QUESTIONS:
        assert q.proofs, f"question {q.number} names no proof"
    for node in proof_ids():
        path, _, function = node.partition("::")
        assert path.startswith("tests/lesson/"), f"{node}: a proof is one of the lesson's claims"
        source = ROOT / path
        assert source.is_file(), f"{node}: no file {path}"
        defined = {
            item.name
            for item in ast.parse(source.read_text()).body
            if isinstance(item, ast.FunctionDef)
        }
        assert function in defined and function.startswith("test_"), f"{node}: no such test"


def test_every_proof_test_is_collected():
    found = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
        + proof_ids(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert found.returncode == 0, found.stdout[-3000:] + found.stderr[-3000:]
    collected = {line.split("[")[0] for line in found.stdout.splitlines() if "::" in line}
    assert set(proof_ids()) <= collected, set(proof_ids()) - collected


def test_no_student_reads_a_test_name():
    page = quiz_source.PAGE.read_text()
    assert len(re.findall(r"<!--.*?proof:", page, re.DOTALL)) == len(QUESTIONS)
    shown = re.sub(r"<!--.*?-->", "", page, flags=re.DOTALL)
    assert "test_" not in shown and "tests/" not in shown
    kit = quiz_source.answers_part(expand=lambda text: text)
    assert "test_" not in kit and "proof" not in kit and "Right answer" not in kit


# Question 1: the shape.


def test_the_lookup_appends_d_and_moves_no_dimension(device, on_device):
    table = nn.Embedding(50, 16, device=device)
    input_ids = torch.randint(0, 50, (2, 10), device=device)
    hidden = table(input_ids)

    on_device(hidden)
    assert hidden.shape == (2, 10, 16)  # (B, T, D)
    assert torch.equal(hidden[1, 7], table.weight[input_ids[1, 7]])
    # option (c)'s layout: PyTorch's transformer layers are sequence-first unless asked
    assert nn.TransformerEncoderLayer(16, 2, device=device).self_attn.batch_first is False


# Questions 2, 8 and 12: nothing is added, on either path.


def test_the_forward_adds_nothing_on_either_path(device, on_device):
    table = nn.Embedding(100, 32, padding_idx=0, device=device)
    input_ids = torch.tensor([[7, 3, 7, 0]], device=device)
    by_ids, _, _ = embed_forward(table, input_ids=input_ids)
    inputs_embeds = torch.randn(1, 4, 32, device=device)
    by_embeds, _, _ = embed_forward(table, inputs_embeds=inputs_embeds)

    on_device(by_ids, by_embeds)
    assert torch.equal(by_ids, table(input_ids))  # the rows, and nothing else
    assert torch.equal(by_ids[0, 0], by_ids[0, 2])  # one token, one vector
    assert by_embeds is inputs_embeds


def test_one_token_at_positions_2_and_9_gets_one_vector(device, on_device):
    table = nn.Embedding(100, 32, device=device)
    input_ids = torch.randint(43, 100, (1, 10), device=device)
    input_ids[0, 2] = input_ids[0, 9] = 42
    hidden, _, _ = embed_forward(table, input_ids=input_ids)

    on_device(hidden)
    assert torch.equal(hidden[0, 2], hidden[0, 9])


def test_rope_turns_the_two_copies_into_different_keys(device, on_device):
    vector = torch.randn(64, dtype=torch.float64, device=device)
    keys = apply_rope(vector.expand(2, -1), torch.tensor([2, 9], device=device))
    query = torch.randn(64, dtype=torch.float64, device=device)

    on_device(keys)
    assert not torch.allclose(keys[0], keys[1])
    scores = rope_score(query, vector, torch.tensor([9, 9]), torch.tensor([2, 9]))
    assert not torch.allclose(scores[0], scores[1])  # they score differently from here on


# Question 3: neither input.


def test_neither_input_raises_before_any_lookup(device, on_device):
    table = nn.Embedding(10, 4, device=device)
    on_device(table.weight)
    looked_up = []
    table.register_forward_hook(lambda *args: looked_up.append(args))
    with pytest.raises(ValueError, match="have to specify either input_ids or inputs_embeds"):
        embed_forward(table)
    assert looked_up == []


def test_looking_up_none_raises_type_error(device, on_device):
    table = nn.Embedding(10, 4, device=device)
    on_device(table.weight)
    with pytest.raises(TypeError, match="indices"):
        table(None)


# Question 4: a lookup as a matmul.


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16])
def test_the_one_hot_matmul_prints_true(device, on_device, dtype):
    torch.manual_seed(0)
    E = torch.randn(6, 4, device=device).to(dtype)
    input_ids = torch.tensor([[1, 2]], device=device)
    by_matmul = lookup_as_matmul(E, input_ids)

    on_device(by_matmul)
    assert torch.equal(by_matmul, F.embedding(input_ids, E))  # what the line prints: True
    assert by_matmul.dtype == dtype


def test_an_integer_one_hot_times_a_float_table_raises(device, on_device):
    E = torch.randn(6, 4, device=device)
    on_device(E)
    with pytest.raises(RuntimeError):
        F.one_hot(torch.tensor([[1, 2]], device=device), 6) @ E


# Question 5: the gradient of the pad row, and of a row no token looked up.

IDS_WITH_PADS = [[1, 2, 3, 0, 0]]


def test_the_pad_row_and_a_row_never_looked_up_get_zero_gradient(device, on_device):
    table = nn.Embedding(6, 4, padding_idx=0, device=device)
    table(torch.tensor(IDS_WITH_PADS, device=device)).sum().backward()
    grad = table.weight.grad

    on_device(grad)
    assert grad.shape == table.weight.shape  # dense: every row is there
    assert torch.equal(grad[0], torch.zeros(4, device=device))  # the pad
    assert torch.equal(grad[5], torch.zeros(4, device=device))  # never looked up
    assert torch.equal(grad[1:4], torch.ones(3, 4, device=device))


def test_without_padding_idx_a_row_looked_up_twice_gets_twos(device, on_device):
    table = nn.Embedding(6, 4, device=device)
    table(torch.tensor(IDS_WITH_PADS, device=device)).sum().backward()

    on_device(table.weight.grad)
    assert torch.equal(table.weight.grad[0], torch.full((4,), 2.0, device=device))


def test_only_a_sparse_gradient_leaves_out_the_rows_not_looked_up(device, on_device):
    table = nn.Embedding(6, 4, padding_idx=0, sparse=True, device=device)
    table(torch.tensor(IDS_WITH_PADS, device=device)).sum().backward()
    grad = table.weight.grad.coalesce()

    on_device(grad)
    assert grad.is_sparse
    assert set(grad.indices()[0].tolist()) == {1, 2, 3}


# Question 6: masked_fill, not a multiply.


def padded_batch(device):
    torch.manual_seed(0)
    hidden = torch.randn(2, 3, 8, device=device)
    attention_mask = torch.tensor([[True, True, False], [True, False, True]], device=device)
    return hidden, attention_mask


def mean_by_multiply(hidden, attention_mask):
    mask = attention_mask.unsqueeze(-1)
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1)


def test_a_multiply_turns_an_inf_at_a_pad_into_nan(device, on_device):
    hidden, attention_mask = padded_batch(device)
    clean = masked_mean(hidden, attention_mask)
    hidden[0, 2] = float("inf")  # a pad position
    by_multiply, by_masked_fill = (
        mean_by_multiply(hidden, attention_mask),
        masked_mean(hidden, attention_mask),
    )

    on_device(by_multiply, by_masked_fill)
    assert by_multiply[0].isnan().all()
    assert torch.equal(by_masked_fill, clean)


def test_for_finite_values_the_multiply_and_masked_fill_agree(device, on_device):
    hidden, attention_mask = padded_batch(device)
    by_multiply, by_masked_fill = (
        mean_by_multiply(hidden, attention_mask),
        masked_mean(hidden, attention_mask),
    )
    on_device(by_multiply)
    assert torch.equal(by_multiply, by_masked_fill)


def test_a_float_tensor_times_a_bool_mask_works(device, on_device):
    hidden, attention_mask = padded_batch(device)
    product = hidden * attention_mask.unsqueeze(-1)
    on_device(product)
    assert product.dtype == hidden.dtype


# Question 7: which line fails.


def test_one_d_ids_fail_at_the_unpacking_line(device, on_device):
    table = nn.Embedding(1000, 4096, device=device)
    on_device(table.weight)
    with pytest.raises(ValueError, match=r"not enough values to unpack \(expected 2, got 1\)") as e:
        embed_forward(table, input_ids=torch.tensor([1, 2, 3], device=device))
    failing = e.traceback[-1]
    assert Path(str(failing.path)).name == "task2_inputs_embeds.py"
    line = failing.statement.lines[0].strip()
    assert line.startswith("batch_size, seq_length = input_ids.shape[:2]")
    options = question("Which line fails?").options  # the page names both lines
    assert options[0].right and "Unpacking `shape[:2]`" in options[0].text
    assert "lookup in `embed_tokens`" in options[1].text
    assert "inputs_embeds = embed_tokens(input_ids)" in Path(failing.path).read_text()


def test_the_lookup_alone_takes_one_d_ids(device, on_device):
    hidden = nn.Embedding(1000, 4096, device=device)(torch.tensor([1, 2, 3], device=device))
    on_device(hidden)
    assert hidden.shape == (3, 4096)


# Question 8: when to pass inputs_embeds.

D = 64


def test_projected_image_features_go_in_as_inputs_embeds(device, on_device):
    table = nn.Embedding(100, D, device=device)
    image_features = torch.randn(1, 4, 32, device=device)  # from an image encoder
    projection = nn.Linear(32, D, device=device)
    text = table(torch.tensor([[5, 6, 7]], device=device))
    merged = torch.cat([projection(image_features), text], dim=1)
    hidden, batch_size, seq_length = embed_forward(table, inputs_embeds=merged)

    on_device(hidden)
    assert hidden is merged and (batch_size, seq_length) == (1, 7)


def test_soft_prompt_vectors_belong_to_no_row_and_pass_through(device, on_device):
    table = nn.Embedding(100, D, device=device)
    soft_prompt = nn.Parameter(torch.randn(2, D, device=device))
    text = table(torch.tensor([[5, 6, 7]], device=device))
    merged = torch.cat([soft_prompt.unsqueeze(0), text], dim=1)
    hidden, _, seq_length = embed_forward(table, inputs_embeds=merged)
    hidden.sum().backward()

    on_device(hidden, soft_prompt.grad)
    assert seq_length == 5
    matches = (table.weight.unsqueeze(0) == soft_prompt.unsqueeze(1)).all(-1)
    assert not matches.any(), "a prompt vector equals a row: an id could name it"
    assert torch.equal(soft_prompt.grad, torch.ones(2, D, device=device))  # it trains


def test_embeddings_looked_up_elsewhere_give_what_the_ids_give(device, on_device):
    table = nn.Embedding(100, D, device=device)
    input_ids = torch.tensor([[5, 6, 7, 8]], device=device)
    with torch.no_grad():
        cached = table(input_ids).cpu()  # looked up once, kept elsewhere
    by_embeds, _, _ = embed_forward(table, inputs_embeds=cached.to(device))
    by_ids, _, _ = embed_forward(table, input_ids=input_ids)

    on_device(by_embeds)
    assert torch.equal(by_embeds, by_ids)


# Question 9: why the lookup is cheap.


@pytest.mark.parametrize("vocab_size", [1000, 50_000])
def test_the_lookup_does_no_arithmetic(device, on_device, vocab_size):
    weight = torch.randn(vocab_size, 64, device=device)
    input_ids = torch.randint(0, vocab_size, (8, 16), device=device)
    with FlopCounterMode(display=False) as counted:
        hidden = F.embedding(input_ids, weight)

    on_device(hidden)
    assert counted.get_total_flops() == 0
    # the number the quiz quotes is this count, as the snippet printed it
    assert captured.value("theory3_lookup_cost", "counted FLOPs, gather") == "0"


def test_the_lookup_reads_only_the_rows_of_its_ids(device, on_device):
    weight = torch.full((1000, 8), float("nan"), device=device)
    input_ids = torch.tensor([[3, 14, 15]], device=device)
    weight[input_ids[0]] = 1.0
    hidden = F.embedding(input_ids, weight)

    on_device(hidden)
    assert torch.equal(hidden, torch.ones(1, 3, 8, device=device))  # no other row reached it
    small, large = (
        lookup_cost(4096, 1000, 64, torch.float32),
        lookup_cost(4096, 1_000_000, 64, torch.float32),
    )
    assert small["gather bytes read + written"] == large["gather bytes read + written"]


# Questions 10 and 11: the table's memory, and the untied head.


def gib(vocab_size, hidden_size, dtype, tables=1) -> str:
    return f"{tables * table_bytes(vocab_size, hidden_size, dtype) / GiB:.2f}"


K2 = (facts.value("kimi_k2", "vocab_size"), facts.value("kimi_k2", "hidden_size"))


def test_the_table_size_options_are_the_snippets_numbers():
    options = question("The table's size in bf16").options
    shown = [quiz_source.rendered(option.text) for option in options]
    assert shown == [
        f"{gib(*K2, torch.float32)} GiB",
        f"{gib(*K2, torch.bfloat16)} GiB",
        f"{gib(100352, 4096, torch.bfloat16)} GiB",
    ]
    assert [option.right for option in options] == [False, True, False]


def test_a_bf16_table_stores_two_bytes_per_number(device, on_device):
    table = nn.Embedding(1000, 64, dtype=torch.bfloat16, device=device)
    on_device(table.weight)
    assert table.weight.untyped_storage().nbytes() == 1000 * 64 * 2
    assert table_bytes(1000, 64, torch.bfloat16) == 1000 * 64 * 2


def test_an_untied_head_doubles_the_tables_memory(device, on_device):
    vocab_size, hidden_size = 1000, 64
    model = nn.ModuleDict(
        {
            "embed_tokens": nn.Embedding(vocab_size, hidden_size, device=device),
            "lm_head": nn.Linear(hidden_size, vocab_size, bias=False, device=device),
        }
    ).to(torch.bfloat16)
    on_device(model["lm_head"].weight)

    def param_bytes():
        return sum(p.numel() * p.element_size() for p in model.parameters())

    assert model["lm_head"].weight.shape == model["embed_tokens"].weight.shape  # (V, D)
    assert param_bytes() == 2 * table_bytes(vocab_size, hidden_size, torch.bfloat16)
    model["lm_head"].weight = model["embed_tokens"].weight  # tied, as GPT-2 does
    assert param_bytes() == table_bytes(vocab_size, hidden_size, torch.bfloat16)


def test_the_untied_total_is_twice_the_bf16_table():
    right = question("What the untied output head adds").options[1]
    assert right.right and gib(*K2, torch.bfloat16, tables=2) in quiz_source.rendered(right.text)
    untied_total = captured.value("theory3_table_memory", "Kimi-K2 … fp32")  # as the box says
    assert untied_total == gib(*K2, torch.bfloat16, tables=2)
    assert "False" in facts.value("kimi_k2", "untied_embeddings")


# Question 13: shift both by 1,000.


def test_shifting_query_and_key_by_1000_keeps_the_rope_score(device, on_device):
    torch.manual_seed(0)
    q, k = torch.randn(2, 64, dtype=torch.float64, device=device)
    m, n = torch.tensor([5, 9, 130, 4000]), torch.tensor([2, 9, 60, 100])
    before, after = rope_score(q, k, m, n), rope_score(q, k, m + 1000, n + 1000)

    on_device(before, after)
    torch.testing.assert_close(after, before, rtol=0, atol=1e-9)


def test_with_absolute_pe_the_shift_changes_the_score(device, on_device):
    torch.manual_seed(0)
    q, k = torch.randn(2, 64, dtype=torch.float64, device=device)
    m, n = torch.tensor([5, 9, 130]), torch.tensor([2, 9, 60])
    before, after = absolute_score(q, k, m, n), absolute_score(q, k, m + 1000, n + 1000)

    on_device(before, after)
    assert not torch.allclose(before, after)


# Question 14: a learned position table, past its end.


def test_a_4096_row_position_table_given_5000_positions_raises():
    positions = nn.Embedding(4096, 8)  # on the CPU: on a GPU this is a device-side assert
    positions(torch.arange(4096))  # every row there is
    with pytest.raises(IndexError, match="index out of range in self"):
        positions(torch.arange(5000))
    shown = captured.value("positions_yarn", "position 4096 of a 4096-row table ->")
    assert shown == "IndexError"


# Question 15: a longer window.


def test_yarn_stretches_the_pretraining_length_to_the_window():
    factor = facts.value("kimi_k2", "yarn_factor")
    length = facts.value("kimi_k2", "pretraining_seq_length")
    assert f"{factor * length // 1024}K" == facts.value("kimi_k2", "context_length")
    window = captured.value("positions_yarn", "window after YaRN, July 2025")
    assert window == f"{factor * length:,}"


def test_yarn_slows_only_the_slow_rotary_pairs(device, on_device):
    before, after = yarn_inv_freq(device=device)
    on_device(after)
    turns = facts.value("kimi_k2", "pretraining_seq_length") * before / (2 * torch.pi)
    slowed = ~torch.isclose(before, after)
    assert torch.equal(slowed, turns < 1)  # the pairs that never turn once in pre-training
    ratio = before[slowed] / after[slowed]
    assert torch.allclose(ratio, torch.full_like(ratio, facts.value("kimi_k2", "yarn_factor")))


# Question 16: an id outside the table.


def test_an_id_past_the_table_raises_index_error_at_the_call():
    table = nn.Embedding(10, 4)  # on the CPU; on a GPU see the test below
    with pytest.raises(IndexError, match="index out of range in self"):
        table(torch.tensor([[1, 10]]))


def test_the_wrappers_check_names_the_bad_id_before_the_lookup(device, on_device):
    forward = EmbeddingForward(10, 8, device=device)
    on_device(forward.embed_tokens.weight)
    looked_up = []
    forward.embed_tokens.register_forward_hook(lambda *args: looked_up.append(args))
    with pytest.raises(IndexError, match=r"input_ids holds 10 at position \(0, 1\)"):
        forward(input_ids=torch.tensor([[1, 10]], device=device))
    assert looked_up == []


CUDA_OUT_OF_RANGE = textwrap.dedent(
    """
    import torch
    weight = torch.randn(10, 4, device="cuda")
    hidden = torch.nn.functional.embedding(torch.tensor([[1, 10]], device="cuda"), weight)
    print("the call returned", flush=True)  # the kernel runs later, asynchronously
    try:
        torch.cuda.synchronize()
    except RuntimeError as error:
        print("later:", error, flush=True)
    try:
        torch.ones(1, device="cuda") + 1
        torch.cuda.synchronize()
        print("CUDA still works", flush=True)
    except RuntimeError as error:
        print("still broken:", error, flush=True)
    """
)


def test_on_cuda_an_id_past_the_table_is_a_device_side_assert(device, on_device):
    if device.type != "cuda":
        pytest.skip("shows what a GPU does: runs in the CUDA session (pytest --device cuda)")
    on_device(torch.zeros(1, device=device))
    # In a process of its own: the assert leaves that process's CUDA context unusable.
    env = {k: v for k, v in os.environ.items() if k != "CUDA_LAUNCH_BLOCKING"}  # asynchronous
    run = subprocess.run(
        [sys.executable, "-c", CUDA_OUT_OF_RANGE],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    out = run.stdout + run.stderr
    assert "the call returned" in out, out
    assert "device-side assert" in out, out
    assert "still broken:" in out and "CUDA still works" not in out, out
