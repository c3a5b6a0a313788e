"""No fetches, ever (issue 14, item 3): the renderer opens no connection and reads no file outside
the package, whatever the report holds; a logo is checked by its content before it is used."""

from __future__ import annotations

import json
import mimetypes
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reportgen.config import load_config
from reportgen.errors import ConfigError
from tests.conftest import ROOT

PROBE = textwrap.dedent('''
    import base64, dataclasses, json, socket, sys, threading
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from tests.report_fixtures import small_audit
    from reportgen.report import build_report
    from reportgen.render.pdf import render_pdf

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    calls = []
    threading.Thread(target=lambda: calls.append(listener.accept()[1]), daemon=True).start()
    secret = {secret!r}
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="90" height="30">
      <image href="http://127.0.0.1:{{port}}/logo.png" width="10" height="10"/>
      <image xlink:href="file://{{secret}}" x="10" width="10" height="10"/>
      <use href="file://{{secret}}#shape"/>
      <rect width="10" height="10" style="fill: url(http://127.0.0.1:{{port}}/paint#p)"/>
    </svg>"""
    audit = small_audit()
    model = build_report(audit.analysis, audit.costing)  # the logo as if the configuration had let it through
    model = dataclasses.replace(model, logo="data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode())
    opened = []
    sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" else
                     opened.append("connect " + str(args[1])) if event == "socket.connect" else None)
    said = render_pdf(model, {target!r})
    listener.close()
    print(json.dumps({{"calls": len(calls), "opened": opened, "warnings": said.warnings}}))
''')


def test_rendering_a_logo_with_external_references_fetches_nothing(tmp_path: Path) -> None:
    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect id="shape" width="5" height="5"/></svg>')
    target = tmp_path / "report.pdf"
    probe = PROBE.format(root=str(ROOT), secret=str(secret), target=str(target))
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["calls"] == 0  # the loopback listener was never reached
    assert not [o for o in seen["opened"] if o.startswith("connect")]
    assert not [o for o in seen["opened"] if str(secret) in o or "passwd" in o]
    templates = str(ROOT / "templates")
    files = [o for o in seen["opened"] if os.path.isfile(o)]  # not descriptors, /dev/null or temporary folders
    library = (sys.prefix, sys.base_prefix, templates)  # Python, WeasyPrint's own style sheets, the templates
    outside = [o for o in files if not o.endswith((".py", ".pyc", ".so")) and not o.startswith(library)
               and o not in mimetypes.knownfiles and o != str(target)]
    assert outside == []  # nothing but code, the library's resources, the system's MIME table and the output
    assert target.read_bytes().startswith(b"%PDF")
    refused = [w for w in seen["warnings"] if "reportgen fetches nothing" in w]
    assert any("http://127.0.0.1" in w for w in refused) and any(str(secret) in w for w in refused)


def _config(tmp_path: Path, logo: str) -> Path:
    path = tmp_path / "audit.toml"
    path.write_text(f'[report]\nlogo = "{logo}"\n')
    return path


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{}</svg>'


@pytest.mark.parametrize(("body", "reference"), [
    ('<image href="http://example.com/a.png"/>', "http://example.com/a.png"),
    ('<image xlink:href="file:///etc/passwd"/>', "file:///etc/passwd"),
    ('<rect style="fill:url(\'https://example.com/p\')"/>', "https://example.com/p"),
    ("<style>@import 'https://example.com/s.css';</style>", "https://example.com/s.css"),
    ('<use href="other.svg#a"/>', "other.svg#a"),
])
def test_an_svg_logo_that_refers_outside_itself_is_refused(tmp_path: Path, body: str, reference: str) -> None:
    (tmp_path / "logo.svg").write_text(SVG.format(body))
    with pytest.raises(ConfigError) as err:
        load_config(_config(tmp_path, "logo.svg"))
    assert f"the SVG logo '{tmp_path / 'logo.svg'}' refers to '{reference}' outside the file; refused" in str(err.value)


def test_a_self_contained_svg_logo_is_accepted(tmp_path: Path) -> None:
    body = '<defs><linearGradient id="g"/></defs><rect fill="url(#g)"/><use href="#g"/><image href="data:image/png;base64,AA=="/>'
    (tmp_path / "logo.svg").write_text(SVG.format(body))
    assert load_config(_config(tmp_path, "logo.svg")).report.logo.endswith("logo.svg")


def test_a_logo_is_known_by_its_content(cli, tmp_path: Path) -> None:
    (tmp_path / "logo.png").symlink_to("/etc/passwd")
    (tmp_path / "real.svg").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))  # a PNG, whatever its name
    os.mkfifo(tmp_path / "pipe.png")
    (tmp_path / "huge.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    os.truncate(tmp_path / "huge.png", 50 * 1024**2)
    (tmp_path / "doctype.svg").write_text('<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>')
    assert load_config(_config(tmp_path, "real.svg")).report.logo.endswith("real.svg")
    for logo, message in [
        ("logo.png", "is not a PNG, JPEG or SVG file (by its content)"),
        ("pipe.png", "is a named pipe (FIFO), not an image file"),
        ("huge.png", "is 50 MiB, more than the 4 MiB a logo may be"),
        ("doctype.svg", "declares a DOCTYPE or entities"),
        ("missing.png", "no such file"),
    ]:
        result = cli(["audit", tmp_path / "none.xlsx", "--config", _config(tmp_path, logo), "-q"])
        assert result.code == 2 and message in result.stderr, (logo, result.stderr)
