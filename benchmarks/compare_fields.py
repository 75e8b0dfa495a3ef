#!/usr/bin/env python3
"""Fields of spatial runs against a reference run, at the voxels of the cells.

For each field of the last snapshot of every OTHER output folder, the relative difference from
the REFERENCE folder's last snapshot at the voxel of every agent of the reference (median and
largest), over all voxels (largest), and of the field totals. docs/spatial.md ("Accuracy of the
diffusion solvers") uses it to compare solvers and steps on the reference workload, with the
reference run at a small step of implicit_adi_bdf2.

Usage: /usr/bin/python3 benchmarks/compare_fields.py REFERENCE OTHER [OTHER ...]
(each an output folder of `nksim run` with snapshot_interval_min set; needs python3-h5py)
"""
import glob
import os
import sys

import h5py
import numpy as np


def last_snapshot(folder):
    files = sorted(glob.glob(os.path.join(folder, "snapshots", "snapshot_*.h5")))
    if not files:
        sys.exit(f"{folder}: no snapshots/snapshot_*.h5 (set snapshot_interval_min)")
    with h5py.File(files[-1], "r") as h:
        fields = {}
        for name, data in h["fields"].items():
            fields[name] = (data[...], np.array(data.attrs["origin_um"]),
                            float(data.attrs["spacing_um"]))
        return fields, h["agents/position"][...], float(h.attrs["time_min"])


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    reference, positions, t_ref = last_snapshot(argv[1])
    print(f"reference {argv[1]} at {t_ref:g} min, {len(positions)} agents")
    for folder in argv[2:]:
        fields, _, t = last_snapshot(folder)
        if t != t_ref:
            sys.exit(f"{folder}: last snapshot at {t:g} min, the reference's at {t_ref:g} min")
        parts = [os.path.basename(os.path.normpath(folder))]
        for name, (ref, origin, spacing) in reference.items():
            if name not in fields:
                sys.exit(f"{folder}: no field '{name}'")
            values = fields[name][0]
            if values.shape != ref.shape:
                sys.exit(f"{folder}: field '{name}' has shape {values.shape}, not {ref.shape}")
            rel = np.abs(values / ref - 1.0)
            shape = np.array(ref.shape[::-1])  # nx, ny, nz
            at = np.floor((positions - origin) / spacing).astype(int)
            at = np.clip(at, 0, shape - 1)
            cells = rel[at[:, 2], at[:, 1], at[:, 0]]
            total = values.sum() / ref.sum() - 1.0
            parts.append(f"{name}: at cells median {100 * np.median(cells):.4f} % largest "
                         f"{100 * cells.max():.3f} %, all voxels largest {100 * rel.max():.3f} %, "
                         f"total {100 * total:+.4f} %")
        print(" | ".join(parts))


if __name__ == "__main__":
    main(sys.argv)
