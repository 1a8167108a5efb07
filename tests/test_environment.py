"""pyproject.toml, environment.yml and the lock file pin the same versions."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + [s for group in project["optional-dependencies"].values() for s in group]
    pins = {}
    for spec in specs:
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", spec.strip())
        assert match, f"pyproject.toml: {spec!r} is not an exact pin (name==version)"
        pins[match[1].lower()] = match[2]
    return pins


def environment_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        match = re.fullmatch(r"\s*-\s+([A-Za-z0-9_.\-]+)\s*(==|=)\s*([^\s#]+)\s*(#.*)?", line)
        if match and match[1] != "python":
            pins[match[1].lower()] = match[3]
    return pins


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / "constraints.txt").read_text().splitlines():
        if "==" in line:
            name, version = line.split("==")
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def test_environment_yml_has_the_same_pins_as_pyproject():
    assert environment_pins() == pyproject_pins()


def test_lock_file_agrees_with_pyproject():
    lock = lock_pins()
    for name, version in pyproject_pins().items():
        assert lock.get(name.replace("_", "-")) == version, f"{name}: pyproject {version}, lock {lock.get(name)}"


def test_environment_yml_python_matches_the_supported_version():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"-\s+python=3\.11\b", text)
