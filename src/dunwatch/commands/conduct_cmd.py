from pathlib import Path

import click

from dunwatch.i18n import register, t

register({
    "conduct.eval_summary": (
        "{split} 集 {n} 条消息：宏平均 F1 {macro:.3f}；合法提醒被标为违规 {flagged}/{total}（{rate:.1%}）",
        "{split} split, {n} messages: macro-F1 {macro:.3f}; lawful reminders flagged as anything else {flagged}/{total} ({rate:.1%})"),
    "conduct.docs_written": ("已写入 {path}", "Wrote {path}"),
})


@click.group()
def conduct():
    """催收行为分类器：评估与训练 / The conduct classifier: measure and retrain it.

    \b
    例 / Example:
      dunwatch conduct eval
      dunwatch conduct train
    """


@conduct.command("eval")
@click.option("--corpus", type=click.Path(dir_okay=False), default=None,
              help="语料 JSONL（默认 corpus/conduct/examples.jsonl）/ Corpus JSONL (default: corpus/conduct/examples.jsonl)")
@click.option("--split", type=click.Choice(["heldout", "train"]), default="heldout", show_default=True,
              help="评估哪一部分 / Which split to measure")
@click.option("--write-docs", type=click.Path(dir_okay=False), default=None,
              help="把结果表写入该文档的标记区（如 docs/labels.md）/ Write the table into the marked block of this file (e.g. docs/labels.md)")
def eval_(corpus, split, write_docs):
    """打印每个标签的精确率和召回率 / Print per-label precision and recall on the held-out split.

    \b
    例 / Example:
      dunwatch conduct eval
      dunwatch conduct eval --write-docs docs/labels.md
    """
    from dunwatch.conduct import corpus as corpus_mod
    from dunwatch.conduct.evaluate import evaluate
    from dunwatch.conduct.evaluate import write_docs as write

    examples = [ex for ex in corpus_mod.load(corpus) if ex.split == split]
    report = evaluate(examples)
    quoted = [ex for ex in examples if ex.quoted]
    summary = t("conduct.eval_summary", split=split, n=report.n, macro=report.macro_f1, flagged=report.lawful_flagged,
                total=report.lawful_total, rate=report.lawful_flag_rate)
    click.echo(report.table())
    click.echo(summary)
    sub = evaluate(quoted) if quoted else None
    if sub:
        click.echo(f"quoted-from-source subset: {sub.n} messages, macro-F1 {sub.macro_f1:.3f}")
    if write_docs:
        text = report.table() + "\n\n" + summary
        if sub:
            text += f"\n\nQuoted-from-source subset of this split: {sub.n} messages, macro-F1 {sub.macro_f1:.3f}."
        write(Path(write_docs), text)
        click.echo(t("conduct.docs_written", path=write_docs))


@conduct.command("train")
@click.option("--corpus", type=click.Path(dir_okay=False), default=None,
              help="语料 JSONL / Corpus JSONL (default: corpus/conduct/examples.jsonl)")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="模型输出路径（默认包内 data/model.json）/ Where to write the model (default: the package's data/model.json)")
def train(corpus, out):
    """用训练集重新训练统计模型（固定随机种子）/ Retrain the statistical layer on the train split (fixed seed).

    \b
    例 / Example:
      dunwatch conduct train
    """
    from dunwatch.conduct import corpus as corpus_mod
    from dunwatch.conduct import train as trainer
    from dunwatch.conduct.model import MODEL_FILE

    corpus = corpus or str(corpus_mod.default_path())
    out = out or str(Path(trainer.__file__).parent / "data" / MODEL_FILE)
    click.echo(trainer.train_and_write(corpus, out))
