"""Times one Python spreadsheet engine on one workload of `kalkyl-bench workloads`.

    python bench/peers.py --engine ironcalc --manifest DIR/workloads.json --workload ledger-288 --runs 3

Phases, as `kalkyl-bench phases` times them for Kalkyl: load (read the .xlsx into the engine),
full recalculation, then each of the workload's edits (one cell set, then recalculate). Every run
starts from a fresh load. One JSON object a line on stdout, flushed at once, so that a run cut off
by a time limit still leaves the phases it finished; a `start` line before each phase (with the
wall clock) lets the caller say how long the unfinished one had been running.
"""

import argparse
import gc
import json
import os
import resource
import sys
import time


class IronCalc:
    """IronCalc's Python bindings: `evaluate()` recomputes every formula (there is no partial
    recalculation in its API), sheets 0-based, rows and columns 1-based."""

    name = "ironcalc"

    def load(self, path):
        import ironcalc
        self.model = ironcalc.load_from_xlsx(path)

    def recalculate(self):
        self.model.evaluate()

    def set_number(self, cell, value):
        self.model.set_user_input(cell["sheetIndex"], cell["row"], cell["column"], repr(float(value)))

    def value(self, sheet_index, sheet, row, column):
        return self.model.get_cell_value(sheet_index, row, column)


class Formualizer:
    """Formualizer: `evaluate_all()` evaluates what is dirty (everything after a load), rows and
    columns 1-based, sheets by name."""

    name = "formualizer"

    def load(self, path):
        import formualizer
        self.book = formualizer.load_workbook(path)

    def recalculate(self):
        self.book.evaluate_all()

    def set_number(self, cell, value):
        self.book.set_value(cell["sheet"], cell["row"], cell["column"], float(value))

    def value(self, sheet_index, sheet, row, column):
        return self.book.get_value(sheet, row, column)


class Formulas:
    """`formulas` (ExcelModel): compiles the workbook into a dispatch graph; a calculation with
    inputs recomputes what depends on them. Cells are named "'[file.xlsx]SHEET'!A1"."""

    name = "formulas"

    def load(self, path):
        import formulas
        self.file = os.path.basename(path)
        self.model = formulas.ExcelModel().loads(path).finish()
        self.inputs = {}
        self.solution = None

    def key(self, sheet, row, column):
        from openpyxl.utils import get_column_letter
        return "'[%s]%s'!%s%d" % (self.file, sheet.upper(), get_column_letter(column), row)

    def recalculate(self):
        self.solution = self.model.calculate(inputs=dict(self.inputs)) if self.inputs else self.model.calculate()

    def set_number(self, cell, value):
        self.inputs[self.key(cell["sheet"], cell["row"], cell["column"])] = float(value)

    def value(self, sheet_index, sheet, row, column):
        ranges = self.solution.get(self.key(sheet, row, column)) if self.solution is not None else None
        if ranges is None:
            return None
        v = ranges.value
        return v[0, 0] if hasattr(v, "shape") else v


ENGINES = {e.name: e for e in (IronCalc, Formualizer, Formulas)}


def check_total(engine, check):
    """The sum of the numbers in the workload's result rectangle (what the engines must agree on)."""
    total = 0.0
    for row in range(check["firstRow"], check["lastRow"] + 1):
        for column in range(check["firstColumn"], check["lastColumn"] + 1):
            v = engine.value(check["sheetIndex"], check["sheet"], row, column)
            if isinstance(v, bool):
                continue
            if isinstance(v, (int, float)):
                total += float(v)
            elif v is not None and hasattr(v, "__float__"):  # numpy scalars
                try:
                    total += float(v)
                except (TypeError, ValueError):
                    pass
    return total


def emit(**fields):
    sys.stdout.write(json.dumps(fields, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", required=True, choices=sorted(ENGINES))
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--workload", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--budget", type=float, default=None,
                        help="seconds: no new run is started when the last one would not fit in what is left")
    args = parser.parse_args()

    with open(args.manifest) as f:
        workloads = {w["name"]: w for w in json.load(f)}
    w = workloads[args.workload]
    path = os.path.join(os.path.dirname(os.path.abspath(args.manifest)), w["file"])
    engine = ENGINES[args.engine]()

    def timed(phase, run, action, check=True):
        emit(engine=engine.name, phase=phase, run=run, start=time.time())
        start = time.perf_counter()
        action()
        seconds = time.perf_counter() - start
        fields = dict(engine=engine.name, phase=phase, run=run, seconds=seconds)
        if check:
            fields["check"] = check_total(engine, w["check"])
        emit(**fields)

    began = time.perf_counter()
    for run in range(args.runs):
        run_start = time.perf_counter()
        if run > 0 and args.budget is not None and (run_start - began) + last_run > args.budget:
            break
        engine.__dict__.clear()  # the last run's workbook goes before the next is loaded
        gc.collect()
        timed("load", run, lambda: engine.load(path), check=False)
        timed("full", run, engine.recalculate)
        for edit in w["edits"]:
            def apply(edit=edit):
                engine.set_number(edit["cell"], edit["value"])
                engine.recalculate()
            timed(edit["name"], run, apply)
        last_run = time.perf_counter() - run_start
    emit(engine=engine.name, phase="memory", run=0, seconds=0,
         peak_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)


if __name__ == "__main__":
    main()
