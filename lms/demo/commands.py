"""`lms demo ...`: demonstration data for trying the platform and for benchmarks."""

import click


@click.group("demo")
def demo_group():
    """Demonstration data."""
