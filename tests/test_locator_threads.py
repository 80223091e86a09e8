"""The village locator can be shared by threads (GEOS's lazy prepared index is not)."""

import subprocess
import sys
import textwrap

# A locator restored from the cache holds prepared polygons that no test has touched yet,
# so their first tests build GEOS's point index; two threads then test the same polygons
# at once. Without the locator's lock this aborted ("double free or corruption") in the
# first round.
RACE = textwrap.dedent("""
    import sys, threading
    import numpy as np, shapely
    from geo_outreach.analysis.village_locator import VillageLocator

    rng = np.random.default_rng(0)
    angle = np.linspace(0, 2 * np.pi, 2_000, endpoint=False)
    count = 100
    rings = [np.c_[np.cos(angle), np.sin(angle)] * (1_000 + 300 * rng.random((2_000, 1)))
             + (3_000 * i, 0) for i in range(count)]
    built = VillageLocator(np.array([shapely.Polygon(r) for r in rings]), cell_m=100)
    side = rng.random(20 * count) * 2 * np.pi
    x = 3_000.0 * np.repeat(np.arange(count), 20) + 1_150 * np.cos(side)
    y = 1_150 * np.sin(side)
    expected = built.locate(x, y)
    for _ in range(int(sys.argv[1])):
        locator = VillageLocator.from_arrays(
            shapely.from_wkb(shapely.to_wkb(built.polygons)), cell_m=built.cell_m,
            origin=built.origin, shape=built.shape, labels=built.labels,
            near_index=built.near_index, candidate_start=built.candidate_start,
            candidates=built.candidates)
        start, answers = threading.Barrier(2), []
        def locate():
            start.wait()
            answers.append(locator.locate(x, y))
        threads = [threading.Thread(target=locate) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert all((answer == expected).all() for answer in answers)
    print("ok")
""")


def test_two_threads_locating_on_a_restored_locator_do_not_crash():
    done = subprocess.run([sys.executable, "-c", RACE, "20"],  # noqa: S603 - our own code
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2_000:]
    assert done.stdout.strip() == "ok"
