"""A command's outputs appear as a whole set or not at all, even when the process is killed
at any point; what killed runs leave behind is finished or cleaned by the next run; only
regular files are replaced; a full or read-only disk gets a clear message."""

import errno
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from geo_outreach._errors import OutputError
from geo_outreach.cli import disk_refusal, main
from geo_outreach.publish.outputs import (
    COMMITTED_MARKER,
    MANIFEST_FILE,
    STAGING_PREFIX,
    OutputPolicy,
    recover_interrupted,
    staged_outputs,
)

SET_SIZE = 6
"""Files in the set the killed writer publishes."""


def manifest_holds(folder: Path) -> bool:
    """``sha256sum -c SHA256SUMS``: every file the manifest names has the hash it says."""
    for line in (folder / MANIFEST_FILE).read_text().splitlines():
        digest, _, name = line.partition("  ")
        path = folder / name
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            return False
    return True


def set_generation(folder: Path) -> set[str]:
    """Which run each file of the set came from (its text)."""
    return {(folder / f"f{number}.csv").read_text() for number in range(SET_SIZE)}


WRITER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from geo_outreach.publish.outputs import OutputPolicy, staged_outputs

    folder, generation, kill_at = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    renames = 0
    original = Path.replace

    def replace(self, target):
        global renames
        if self.parent.name.startswith(".geo-outreach-staging-") or "staging" in str(self):
            renames += 1
            if renames == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
        return original(self, target)

    Path.replace = replace
    with staged_outputs(folder, OutputPolicy(overwrite=True)) as staging:
        for number in range(6):
            (staging / f"f{number}.csv").write_text(generation)
""")


def run_writer(folder: Path, generation: str, kill_at: int) -> int:
    """Publish a six-file set in a real process, killed (SIGKILL) at its ``kill_at``th rename."""
    done = subprocess.run([sys.executable, "-c", WRITER, str(folder), generation,  # noqa: S603
                           str(kill_at)],
                          check=False, capture_output=True, timeout=120)
    return done.returncode


@pytest.mark.parametrize("kill_at", range(1, SET_SIZE + 4))
def test_a_process_killed_at_every_rename_leaves_one_whole_set(tmp_path, kill_at):
    folder = tmp_path / "hasil"
    assert run_writer(folder, "old", 0) == 0
    assert manifest_holds(folder)
    assert set_generation(folder) == {"old"}

    code = run_writer(folder, "new", kill_at)
    assert code == (-signal.SIGKILL if kill_at <= SET_SIZE + 2 else 0)
    committed = [path for path in folder.glob(STAGING_PREFIX + "*")
                 if (path / COMMITTED_MARKER).exists()]
    if code == -signal.SIGKILL:
        # Killed: either still the whole old set, or a committed set waiting to be finished,
        # which a reader trusting SHA256SUMS sees as not whole.
        assert (manifest_holds(folder) and set_generation(folder) == {"old"}) or committed
        if committed and set_generation(folder) != {"old"}:
            assert not manifest_holds(folder), "a mixed folder never passes the manifest"
    recover_interrupted(folder)
    assert not list(folder.glob(STAGING_PREFIX + "*")), "the next run cleans what was left"
    assert manifest_holds(folder)
    assert set_generation(folder) in ({"old"}, {"new"}), "never a mix after recovery"


CLI = "from geo_outreach.cli import main; raise SystemExit(main())"


@pytest.mark.parametrize("delay_s", [0.3, 0.8, 1.3, 1.8, 2.3, 2.8])
def test_validate_killed_at_any_time_publishes_a_whole_set_or_none(tmp_path, delay_s):
    folder = tmp_path / "cek"
    assert main(["validate", "--out", str(folder)]) == 0
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    process = subprocess.Popen([sys.executable, "-c", CLI, "validate",  # noqa: S603
                                "--out", str(folder), "--force"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay_s)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=60) in (0, -signal.SIGKILL), "the command itself ran"
    recover_interrupted(folder)
    assert manifest_holds(folder)
    assert {path.name for path in folder.iterdir()} == set(before)
    assert not list(folder.glob(".*")), "no staging folder is left"


def test_an_uncommitted_staging_folder_is_removed_and_a_live_one_left_alone(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "a.csv").write_text("mine")
    dead = folder / (STAGING_PREFIX + "dead")
    dead.mkdir()
    (dead / "a.csv").write_text("half")
    (dead / ".lock").write_text("")
    with staged_outputs(folder, OutputPolicy(overwrite=True)) as live:
        (live / "b.csv").write_text("b")
        assert not dead.exists(), "the run began by cleaning the killed run's staging"
        assert recover_interrupted(folder) == [], "a running command's staging is not touched"
        assert live.exists()
    assert (folder / "a.csv").read_text() == "mine"


@pytest.mark.parametrize("kind", ["fifo", "symlink", "device"])
def test_force_replaces_regular_files_only(tmp_path, kind):
    target = tmp_path / "offices.csv"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "symlink":
        (tmp_path / "elsewhere.csv").write_text("keep")
        target.symlink_to(tmp_path / "elsewhere.csv")
    else:
        if os.geteuid() != 0:
            pytest.skip("making a device node needs root")
        os.mknod(target, 0o600 | 0o020000, os.makedev(1, 3))  # a character device, /dev/null
    with pytest.raises(OutputError, match="not a regular file"):
        OutputPolicy(overwrite=True).check([target])


def test_a_full_disk_is_named_in_the_message():
    err = OSError(errno.ENOSPC, "No space left on device", "/media/usb/hasil/offices.csv")
    message = disk_refusal(err)
    assert "disk is full" in message
    assert "offices.csv" in message
    assert "--out" in message


@pytest.fixture
def tiny_disk(tmp_path):
    """A 24 KiB tmpfs, where the machine allows mounting one (root on Linux)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24k", "tmpfs",  # noqa: S603, S607
                           str(mount_point)], check=False, capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    yield mount_point
    subprocess.run(["umount", str(mount_point)], check=False)  # noqa: S603, S607


@pytest.mark.parametrize("command", [["validate"], ["analyze"], ["share", "--regency", "all"]])
def test_full_and_read_only_disks_give_a_message_not_a_traceback(tiny_disk, command, capsys):
    assert main([*command, "--out", str(tiny_disk / "hasil")]) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert not list(tiny_disk.iterdir()), "nothing half-written is left on the full disk"
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)  # noqa: S603, S607
    assert main([*command, "--out", str(tiny_disk / "hasil")]) == 1
    assert "cannot write" in capsys.readouterr().err
