"""Opens a run's snapshots.xdmf with ParaView's reader and checks, for every time step, that
ParaView sees the agents and the field grid the run wrote: the number of time steps and their
times, the number of points (agents + grid nodes), every attribute array, positions inside the
domain covered by the grid, and, at the final time, each field's integral equal to the total the
run reports in summary.json. Exit 1 on any mismatch."""
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from paraview import servermanager as sm
from paraview.simple import OpenDataFile

out = Path(sys.argv[1])
xdmf = out / "snapshots.xdmf"
summary = json.loads((out / "summary.json").read_text())
failures = []


def leaves(obj):
    """The data sets inside (possibly nested) multi-block / multi-piece collections."""
    if obj is None:
        return []
    if obj.IsA("vtkMultiBlockDataSet"):
        return [leaf for i in range(obj.GetNumberOfBlocks()) for leaf in leaves(obj.GetBlock(i))]
    if obj.IsA("vtkMultiPieceDataSet"):
        return [leaf for i in range(obj.GetNumberOfPieces()) for leaf in leaves(obj.GetPiece(i))]
    return [obj]


def check(ok, what):
    if not ok:
        failures.append(what)


# What the run wrote, read from the XDMF text: per step, time, agent count, attribute names.
root = ET.parse(xdmf).getroot()
steps = root.find("Domain/Grid").findall("Grid")
written = []
for step in steps:
    agents = step.find("Grid[@Name='agents']")
    fields = step.find("Grid[@Name='fields']")
    dims = [int(v) for v in fields.find("Topology").get("Dimensions").split()]
    nodes = 1
    for d in dims:
        nodes *= d
    written.append({
        "time": float(step.find("Time").get("Value")),
        "agents": int(agents.find("Topology").get("NumberOfElements")),
        "nodes": nodes,
        "arrays": {a.get("Name") for a in step.iter("Attribute")},
    })
check(len(written) >= 2, f"expected at least 2 snapshots, found {len(written)}")

reader = OpenDataFile(str(xdmf))
check(reader is not None, "ParaView found no reader for the XDMF file")
times = list(reader.TimestepValues)
check(len(times) == len(written), f"ParaView sees {len(times)} time steps, the file has {len(written)}")
check(all(abs(t - w["time"]) < 1e-9 for t, w in zip(times, written)), f"times differ: {times}")

final = summary.get("final_counts", {})
for t, w in zip(times, written):
    reader.UpdatePipeline(t)
    data = sm.Fetch(reader)
    blocks = leaves(data)
    points = sum(b.GetNumberOfPoints() for b in blocks)
    check(points == w["agents"] + w["nodes"],
          f"t={t}: ParaView reads {points} points, the run wrote {w['agents']} agents + {w['nodes']} grid nodes")
    names = set()
    for b in blocks:
        pd = b.GetPointData()
        names |= {pd.GetArrayName(i) for i in range(pd.GetNumberOfArrays())}
    check(w["arrays"] <= names, f"t={t}: arrays missing in ParaView: {sorted(w['arrays'] - names)}")
    grid = next(b for b in blocks if b.IsA("vtkImageData"))
    agents = next(b for b in blocks if not b.IsA("vtkImageData"))
    h = max(grid.GetSpacing())
    gb, ab = grid.GetBounds(), agents.GetBounds()
    if w["agents"] > 0:
        for axis in range(3):
            lo, hi = gb[2 * axis] - h / 2, gb[2 * axis + 1] + h / 2
            check(lo - 1e-9 <= ab[2 * axis] and ab[2 * axis + 1] <= hi + 1e-9,
                  f"t={t}: agents outside the grid along axis {axis}: {ab} vs {gb}")
    if abs(t - summary["end_time_min"]) < 1e-9:
        pd = grid.GetPointData()
        for i in range(pd.GetNumberOfArrays()):
            array = pd.GetArray(i)
            key = f"{array.GetName()}_total"
            if key not in final:
                continue
            total = sum(array.GetValue(k) for k in range(array.GetNumberOfTuples())) * h ** 3
            check(abs(total - final[key]) <= 1e-9 * max(abs(final[key]), 1e-300),
                  f"{key}: ParaView's values integrate to {total}, summary.json says {final[key]}")
            print(f"{key}: ParaView {total:.9g}, summary.json {final[key]:.9g}")

if failures:
    print("ParaView check FAILED for", xdmf)
    for f in failures:
        print("  -", f)
    sys.exit(1)
print(f"ParaView opened {xdmf}: {len(times)} time steps, agents and fields as written")
