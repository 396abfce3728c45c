"""Tests of the Jupyter launcher's command line."""

from __future__ import annotations

import unittest

from mlwb_runtime import jupyter


def options(argv: list[str]) -> dict[str, str]:
    return dict(a[2:].split("=", 1) for a in argv if a.startswith("--") and "=" in a)


class ServerArgvTest(unittest.TestCase):
    def test_defaults(self) -> None:
        argv = jupyter.server_argv({}, python="/usr/bin/python3")
        self.assertEqual(argv[:3], ["/usr/bin/python3", "-m", "jupyter_server"])
        opts = options(argv)
        self.assertEqual(opts["ServerApp.ip"], "0.0.0.0")
        self.assertEqual(opts["ServerApp.port"], "8888")
        self.assertEqual(opts["ServerApp.base_url"], "/")
        self.assertEqual(opts["ServerApp.open_browser"], "False")
        self.assertNotIn("ServerApp.allow_origin", opts)
        self.assertNotIn("ServerApp.allow_root", opts)

    def test_never_puts_the_token_on_the_command_line(self) -> None:
        argv = jupyter.server_argv({"JUPYTER_TOKEN": "s3cret"})
        self.assertFalse(any("s3cret" in a for a in argv))

    def test_base_url_is_normalised(self) -> None:
        for raw, expected in [
            ("", "/"),
            ("/", "/"),
            ("api/v1/environments/7/jupyter", "/api/v1/environments/7/jupyter/"),
            ("/api/v1/environments/7/jupyter/", "/api/v1/environments/7/jupyter/"),
            ("  /x//  ", "/x/"),
        ]:
            with self.subTest(raw=raw):
                self.assertEqual(options(jupyter.server_argv({"MLWB_JUPYTER_BASE_URL": raw}))["ServerApp.base_url"], expected)

    def test_allow_origin_port_root_and_extra_arguments(self) -> None:
        argv = jupyter.server_argv(
            {"MLWB_JUPYTER_ALLOW_ORIGIN": "https://mlwb.example.org", "MLWB_JUPYTER_PORT": "9999"},
            ["--ServerApp.log_level=DEBUG"],
            is_root=True,
        )
        opts = options(argv)
        self.assertEqual(opts["ServerApp.allow_origin"], "https://mlwb.example.org")
        self.assertEqual(opts["ServerApp.port"], "9999")
        self.assertEqual(opts["ServerApp.allow_root"], "True")
        self.assertEqual(argv[-1], "--ServerApp.log_level=DEBUG")

    def test_bad_port_is_a_clear_error(self) -> None:
        for raw in ("http", "0", "70000"):
            with self.subTest(raw=raw), self.assertRaises(SystemExit) as caught:
                jupyter.server_argv({"MLWB_JUPYTER_PORT": raw})
            self.assertIn("MLWB_JUPYTER_PORT", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
