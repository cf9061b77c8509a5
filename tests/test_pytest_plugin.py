"""The pytest plugin plangate ships works in someone else's test run."""

from __future__ import annotations

pytest_plugins = ["pytester"]


def test_the_fixtures_build_a_plan_and_run_a_policy(pytester):
    pytester.makepyfile(
        '''
        from plangate import Severity, finding, policy
        from plangate.testing import summarise

        @policy(id="X-T-001", title="t", severity=Severity.LOW, resource_types=("aws_vpc",))
        def vpc(change):
            """## What it checks
            x
            ## Why it matters
            x
            ## How to fix
            x
            """
            yield finding(change, "a vpc", attribute="cidr_block")

        def test_it(plan_builder, run_policy):
            plan_builder.add("aws_vpc.main", {"cidr_block": "10.0.0.0/16"})
            assert summarise(run_policy(vpc, plan_builder)) == [
                ("X-T-001", "aws_vpc.main", "cidr_block", "certain")]
        '''
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_a_policy_that_interrupts_or_exits_fails_its_test_and_the_run_goes_on(pytester):
    # Without the runner's isolation, KeyboardInterrupt from policy code would stop the
    # whole pytest session, and sys.exit(0) would escape the test kit.
    pytester.makepyfile(
        '''
        import sys
        from plangate import Severity, policy

        def _policy(id, body):
            @policy(id=id, title="t", severity=Severity.LOW, resource_types=("aws_vpc",))
            def bad(change):
                """## What it checks
                x
                ## Why it matters
                x
                ## How to fix
                x
                """
                body()
                yield from ()
            return bad

        def _interrupt():
            raise KeyboardInterrupt

        def test_interrupt(plan_builder, run_policy):
            run_policy(_policy("X-T-002", _interrupt), plan_builder.add("aws_vpc.main", {}))

        def test_exit(plan_builder, run_policy):
            run_policy(_policy("X-T-003", lambda: sys.exit(0)), plan_builder.add("aws_vpc.a", {}))

        def test_after(plan_builder):
            assert plan_builder is not None
        '''
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["*X-T-002 * raised KeyboardInterrupt*"])


def test_the_plugin_module_imports_nothing_heavy():
    import subprocess
    import sys

    code = (
        "import sys, plangate.pytest_plugin; "
        "print(sorted(m for m in ('jsonschema', 'deepdiff', 'plangate.runner') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
