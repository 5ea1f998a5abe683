import os
from pathlib import Path

import click

from dunwatch import i18n
from dunwatch.i18n import t

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")

i18n.register({
    "serve.url": ("dunwatch 已在本机启动：{url}  （按 Ctrl+C 停止）", "dunwatch is running on this computer: {url}  (Ctrl+C to stop)"),
    "serve.cases": ("案件目录：{path}", "Cases folder: {path}"),
    "serve.exposed": ("警告：正在监听 {host}，同一网络中的其他设备也可能访问你的案件资料。除非你确实需要，请不要这样做。",
                      "WARNING: listening on {host}: other devices on your network may be able to reach your case files. "
                      "Do not do this unless you really mean to."),
})


def default_cases_dir() -> Path:
    return Path(os.environ.get("DUNWATCH_CASES_DIR") or Path.home() / "dunwatch-cases")


@click.command()
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535), help="端口 / Port")
@click.option("--cases-dir", type=click.Path(file_okay=False), default=None,
              help="存放案件的目录（默认 ~/dunwatch-cases）/ Folder holding the cases (default ~/dunwatch-cases)")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；默认只允许本机访问 / Address to listen on; by default only this computer can connect")
@click.option("--max-upload-mb", default=1024, show_default=True, type=click.IntRange(1, 1 << 20),
              help="单个上传文件的大小上限 / Size limit of one uploaded file (MB)")
@click.option("--open", "open_browser", is_flag=True, help="启动后打开浏览器 / Open the browser once started")
def serve(port, cases_dir, host, max_upload_mb, open_browser):
    """启动本机网页界面 / Start the local web app (private, offline, 127.0.0.1 only).

    \b
    例 / Example:
      dunwatch serve --port 8765 --cases-dir ~/dunwatch-cases
    """
    import uvicorn

    from dunwatch.web import create_app

    folder = Path(cases_dir) if cases_dir else default_cases_dir()
    # Bound to every interface, the app cannot know which address people will type: accept any.
    extra = () if host in LOCAL_HOSTS else ("*",) if host in ("0.0.0.0", "::") else (host,)
    if extra:
        click.echo(t("serve.exposed", host=host), err=True)
    app = create_app(folder, max_upload=max_upload_mb << 20, extra_hosts=extra)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    click.echo(t("serve.url", url=url))
    click.echo(t("serve.cases", path=folder.resolve()))
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, proxy_headers=False)
