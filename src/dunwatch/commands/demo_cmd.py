import click


@click.command()
@click.option("--out", "out_dir", default="demo-case", show_default=True, type=click.Path(file_okay=False),
              help="演示案件目录（会被重建）/ Demo case folder (rebuilt each run)")
def demo(out_dir):
    """用内置合成演示案件跑完整流程 / Run the whole flow on the bundled synthetic demo case.

    数据为虚构，不涉及真实个人。/ The data is invented and belongs to no real person.

    \b
    例 / Example:
      dunwatch demo --out demo-case
    """
    from dunwatch.demo.run import run_demo

    for line in run_demo(out_dir):
        click.echo(line)
