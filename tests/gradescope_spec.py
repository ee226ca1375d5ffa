"""What Gradescope reads in an autograder's results.json, by its specification
(https://gradescope-autograders.readthedocs.io/en/latest/specs/, "Output format"): the fields,
their types and the values it accepts. Used by the tests of the checker's --json; not part
of the kit."""

import re

VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
TOP_LEVEL = {
    "score", "execution_time", "output", "output_format", "test_output_format",
    "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard",
}  # fmt: skip
PER_TEST = {
    "score", "max_score", "status", "name", "name_format", "number", "output", "output_format",
    "tags", "visibility", "extra_data",
}  # fmt: skip


def gradescope_problems(results: dict) -> list[str]:
    """Every way in which `results` departs from what Gradescope reads; [] if none."""
    problems = [f"unknown top-level field {key}" for key in set(results) - TOP_LEVEL]
    if not isinstance(results.get("score"), int | float) and "tests" not in results:
        problems.append("no score: a top-level score or per-test scores are required")
    if not isinstance(results.get("execution_time", 0), int | float):
        problems.append("execution_time is not a number of seconds")
    for key in ("visibility", "stdout_visibility"):
        if key in results and results[key] not in VISIBILITY:
            problems.append(f"{key} {results[key]!r} is not one of {sorted(VISIBILITY)}")
    tests = results.get("tests", [])
    names = [test.get("name") for test in tests]
    if len(set(names)) != len(names):
        problems.append("two tests share a name")
    for test in tests:
        where = f"test {test.get('name')!r}"
        problems += [f"{where}: unknown field {key}" for key in set(test) - PER_TEST]
        score, most = test.get("score"), test.get("max_score")
        if not (isinstance(score, int | float) and isinstance(most, int | float)):
            problems.append(f"{where}: score and max_score must be numbers")
        elif not 0 <= score <= most:
            problems.append(f"{where}: score {score} outside [0, {most}]")
        if test.get("status", "passed") not in ("passed", "failed"):
            problems.append(f"{where}: status must be passed or failed")
        if test.get("visibility", "visible") not in VISIBILITY:
            problems.append(f"{where}: visibility {test.get('visibility')!r}")
        for key in ("name", "number", "output"):
            if not isinstance(test.get(key, ""), str):
                problems.append(f"{where}: {key} must be a string")
        if not re.fullmatch(r"\d+(\.\d+)*", test.get("number", "1")):
            problems.append(f"{where}: number {test.get('number')!r} is not like 1.1")
    if tests and results.get("score") != sum(test["score"] for test in tests):
        problems.append("the top-level score is not the sum of the tests' scores")
    return problems
