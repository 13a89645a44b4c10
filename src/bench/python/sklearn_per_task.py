#!/usr/bin/python3
"""scikit-learn reference for prequential per-task learning (benchmark only, not part of Polyhead).

Reads a Polyhead JSONL event stream and learns it prequentially (test, then train) with ONE
independent scikit-learn MLP per task, so Polyhead's shared-trunk learner has a plain baseline:

* model: MLPRegressor (regression) or MLPClassifier (binary, multiclass), hidden_layer_sizes=(64, 64),
  solver='adam', default learning rate (0.001), random_state=--seed.
* training: each task buffers its own labelled events; when its buffer holds --batch (32) events it
  calls partial_fit once on them (one Adam step) and empties the buffer. A classifier's first
  partial_fit gets classes=range(K) (K=2 for binary, the event's "classes" for multiclass).
* features: named objects {"name": value} get one column per name, in the order the task first saw
  them (a missing name is 0); arrays are used as they are. Standardised online per task: a running
  mean/variance (Welford, merged batch by batch) of the features the task has trained on. A batch is
  standardised with the statistics from BEFORE it is added (the first batch, which has none, with its
  own); predictions use the statistics as they stand. Regression targets are standardised the same
  way and predictions turned back into raw units.
* before a task's model has been fit at all it predicts: regression -> the running mean of the
  labels it has seen (0 before any), binary -> p=0.5, multiclass -> uniform.
* every labelled event's loss is taken BEFORE it is learned from: squared error in raw units
  (regression), log loss (binary) and cross-entropy (multiclass) with p clipped to
  [1e-15, 1-1e-15]; accuracy for classifiers (ties go to the lowest class).

Prints a table per task (task, type, events, loss, accuracy, first10, first20: the mean loss over the
task's first 10 / 20 labelled events) and overall lines: mean loss over all labelled events, over the
second half of them (in stream order), and the mean over tasks of the first-20 loss; --json FILE
writes the same as JSON. Progress goes to stderr every 5000 lines.

Events as Polyhead reads them: "type" is taken from a task's first event that has one (default
--default-type), "classes" likewise; an event whose label is absent or null is not scored or learned
from (counted as unlabelled). A name first seen after its task's model was fit cannot become a new
input of a fitted MLP: it is ignored, and counted. An array of the wrong length, or a line that is not
a valid event, is counted as rejected and skipped.

Needs scikit-learn (1.2 tested; Debian: `apt-get install python3-sklearn`). Run with the system
Python, which is the one that package installs into:

    /usr/bin/python3 src/bench/python/sklearn_per_task.py stream.jsonl [--seed 1] [--json out.json]
"""

import argparse
import json
import math
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

EPS = 1e-15
TYPES = ("regression", "binary", "multiclass")


class RunningStats:
    """Per-column running mean and variance (Welford / Chan et al. batch merge); columns can grow."""

    def __init__(self, dim=0):
        self.n = 0
        self.mean = np.zeros(dim)
        self.m2 = np.zeros(dim)

    def grow(self, dim):
        # Earlier rows had 0 in a column that did not exist yet: mean 0, no spread, so pad with zeros.
        if dim > self.mean.shape[0]:
            pad = dim - self.mean.shape[0]
            self.mean = np.concatenate([self.mean, np.zeros(pad)])
            self.m2 = np.concatenate([self.m2, np.zeros(pad)])

    def add(self, x):
        """Adds the rows of x (n, dim)."""
        nb = x.shape[0]
        if nb == 0:
            return
        bmean = x.mean(axis=0)
        bm2 = ((x - bmean) ** 2).sum(axis=0)
        n = self.n + nb
        delta = bmean - self.mean
        self.mean = self.mean + delta * (nb / n)
        self.m2 = self.m2 + bm2 + delta ** 2 * (self.n * nb / n)
        self.n = n

    def std(self):
        if self.n < 2:
            return np.ones_like(self.mean)
        var = self.m2 / self.n
        return np.where(var > 1e-12, np.sqrt(np.maximum(var, 0.0)), 1.0)


class TaskState:
    def __init__(self, name, kind, classes):
        self.name = name
        self.kind = kind
        self.classes = classes
        self.columns = None  # name -> column index, for named features
        self.dim = None  # array length, for array features
        self.frozen = False  # columns fixed once the model is fit
        self.fstats = RunningStats()
        self.ystats = RunningStats(1)
        self.label_n = 0
        self.label_sum = 0.0
        self.buf_x = []
        self.buf_y = []
        self.model = None
        self.losses = []
        self.correct = 0
        self.ignored_names = 0
        self.unlabelled = 0


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("stream", help="JSONL event stream")
    p.add_argument("--seed", type=int, default=1, help="random_state of every MLP (default 1)")
    p.add_argument("--batch", type=int, default=32, help="per-task mini-batch for partial_fit (default 32)")
    p.add_argument("--default-type", choices=TYPES, default="regression",
                   help="type of a task whose first event has none (default regression)")
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    p.add_argument("--progress", type=int, default=5000, help="stderr progress every N lines (0: none)")
    return p.parse_args(argv)


def make_model(kind, seed):
    common = dict(hidden_layer_sizes=(64, 64), solver="adam", random_state=seed)
    return MLPRegressor(**common) if kind == "regression" else MLPClassifier(**common)


def row_of(task, features):
    """The event's raw feature vector for its task, or None when it cannot be used."""
    if isinstance(features, dict):
        if task.dim is not None:
            return None
        if task.columns is None:
            task.columns = {}
        cols = task.columns
        for name in features:
            if name not in cols:
                if task.frozen:
                    task.ignored_names += 1
                else:
                    cols[name] = len(cols)
        x = np.zeros(len(cols))
        for name, v in features.items():
            j = cols.get(name)
            if j is not None:
                x[j] = float(v)
        return x
    if isinstance(features, list):
        if task.columns is not None or not features:
            return None
        if task.dim is None:
            task.dim = len(features)
        if len(features) != task.dim:
            return None
        return np.asarray(features, dtype=float)
    return None


def standardise(x, stats):
    return (x - stats.mean) / stats.std()


def predict(task, x):
    """(prediction, probabilities or None) for one raw row, with the model as it stands."""
    if task.model is None:
        if task.kind == "regression":
            return (task.label_sum / task.label_n if task.label_n else 0.0), None
        k = 2 if task.kind == "binary" else task.classes
        return None, np.full(k, 1.0 / k)
    z = standardise(x[: task.fstats.mean.shape[0]], task.fstats).reshape(1, -1)
    if task.kind == "regression":
        zy = float(task.model.predict(z)[0])
        return zy * float(task.ystats.std()[0]) + float(task.ystats.mean[0]), None
    return None, task.model.predict_proba(z)[0]


def train(task, seed):
    """partial_fit on the buffered batch, standardised with the statistics from before it."""
    dim = task.fstats.mean.shape[0] if task.frozen else max(len(r) for r in task.buf_x)
    task.fstats.grow(dim)
    x = np.zeros((len(task.buf_x), dim))
    for i, r in enumerate(task.buf_x):
        x[i, : len(r)] = r
    y = np.asarray(task.buf_y, dtype=float)
    first = task.fstats.n == 0
    if first:  # no statistics before the first batch: it is standardised with its own
        task.fstats.add(x)
        z = standardise(x, task.fstats)
    else:
        z = standardise(x, task.fstats)
        task.fstats.add(x)
    if task.model is None:
        task.model = make_model(task.kind, seed)
        task.frozen = True
    if task.kind == "regression":
        yc = y.reshape(-1, 1)
        if task.ystats.n == 0:
            task.ystats.add(yc)
            zy = (y - task.ystats.mean[0]) / task.ystats.std()[0]
        else:
            zy = (y - task.ystats.mean[0]) / task.ystats.std()[0]
            task.ystats.add(yc)
        task.model.partial_fit(z, zy)
    else:
        labels = y.astype(int)
        if first:
            k = 2 if task.kind == "binary" else task.classes
            task.model.partial_fit(z, labels, classes=np.arange(k))
        else:
            task.model.partial_fit(z, labels)
    task.buf_x.clear()
    task.buf_y.clear()


def loss_of(task, label, pred, proba):
    """(loss, correct or None)."""
    if task.kind == "regression":
        return (pred - label) ** 2, None
    y = int(label)
    if task.kind == "binary":
        p1 = min(max(float(proba[-1]), EPS), 1 - EPS)
        loss = -math.log(p1) if y == 1 else -math.log(1 - p1)
        guess = 1 if proba[-1] > 0.5 else 0
        return loss, guess == y
    p = min(max(float(proba[y]), EPS), 1 - EPS)
    return -math.log(p), int(np.argmax(proba)) == y


def mean(xs):
    return float(sum(xs) / len(xs)) if xs else None


def run(args):
    tasks = {}
    all_losses = []  # stream order, labelled events only
    counts = dict(lines=0, labelled=0, unlabelled=0, rejected=0)
    start = time.perf_counter()
    with open(args.stream, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            counts["lines"] += 1
            try:
                ev = json.loads(line)
                name = ev["task"]
                features = ev["features"]
            except (ValueError, KeyError, TypeError):
                counts["rejected"] += 1
                continue
            task = tasks.get(name)
            if task is None:
                kind = ev.get("type") or args.default_type
                classes = ev.get("classes")
                if kind not in TYPES or (kind == "multiclass" and not isinstance(classes, int)):
                    counts["rejected"] += 1
                    continue
                task = tasks[name] = TaskState(name, kind, classes)
            x = row_of(task, features)
            if x is None:
                counts["rejected"] += 1
                continue
            label = ev.get("label")
            if label is None:
                task.unlabelled += 1
                counts["unlabelled"] += 1
                continue
            label = float(label)
            if task.kind != "regression" and not (
                    label == int(label) and 0 <= label < (2 if task.kind == "binary" else task.classes)):
                counts["rejected"] += 1
                continue
            pred, proba = predict(task, x)
            loss, correct = loss_of(task, label, pred, proba)
            task.losses.append(loss)
            all_losses.append(loss)
            counts["labelled"] += 1
            if correct:
                task.correct += 1
            # ...then learn from it
            task.label_n += 1
            task.label_sum += label
            task.buf_x.append(x)
            task.buf_y.append(label)
            if len(task.buf_x) >= args.batch:
                train(task, args.seed)
            if args.progress and counts["lines"] % args.progress == 0:
                print(f"{counts['lines']} lines, {time.perf_counter() - start:.1f} s, "
                      f"loss {mean(all_losses) or float('nan'):.4f}", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - start
    return tasks, all_losses, counts, seconds


def report(args, tasks, all_losses, counts, seconds):
    rows = []
    for name in sorted(tasks):
        t = tasks[name]
        n = len(t.losses)
        rows.append(dict(task=name, type=t.kind, events=n, loss=mean(t.losses),
                         accuracy=(t.correct / n if n and t.kind != "regression" else None),
                         first10=mean(t.losses[:10]) if n >= 10 else None,
                         first20=mean(t.losses[:20]) if n >= 20 else None,
                         unlabelled=t.unlabelled, ignoredFeatures=t.ignored_names))
    n = len(all_losses)
    cls = [t for t in tasks.values() if t.kind != "regression"]
    cls_n = sum(len(t.losses) for t in cls)
    by_type = {}
    for kind in TYPES:
        ts = [t for t in tasks.values() if t.kind == kind and t.losses]
        if ts:
            ls = [v for t in ts for v in t.losses]
            by_type[kind] = dict(tasks=len(ts), events=len(ls), loss=mean(ls),
                                 meanTaskLoss=mean([mean(t.losses) for t in ts]))
    first20 = [r["first20"] for r in rows if r["first20"] is not None]
    overall = dict(lines=counts["lines"], labelled=counts["labelled"], unlabelled=counts["unlabelled"],
                   rejected=counts["rejected"], tasks=len(tasks), loss=mean(all_losses),
                   secondHalfLoss=mean(all_losses[n // 2:]),
                   accuracy=(sum(t.correct for t in cls) / cls_n if cls_n else None),
                   meanFirst20Loss=mean(first20), byType=by_type, seconds=seconds,
                   eventsPerSecond=counts["lines"] / seconds if seconds > 0 else None)
    setup = dict(stream=args.stream, seed=args.seed, batch=args.batch, hiddenLayerSizes=[64, 64],
                 solver="adam", learningRateInit=0.001, sklearn=sklearn.__version__, numpy=np.__version__)

    def num(v, pct=False):
        if v is None:
            return "-"
        return f"{100 * v:.1f}%" if pct else f"{v:.4f}"

    print(f"{'task':<24} {'type':<11} {'events':>7} {'loss':>10} {'accuracy':>9} {'first10':>10} {'first20':>10}")
    for r in rows:
        print(f"{r['task']:<24} {r['type']:<11} {r['events']:>7} {num(r['loss']):>10} "
              f"{num(r['accuracy'], True):>9} {num(r['first10']):>10} {num(r['first20']):>10}")
    o = overall
    print(f"overall: {o['lines']} lines ({o['labelled']} labelled, {o['unlabelled']} unlabelled, "
          f"{o['rejected']} rejected), {o['tasks']} tasks")
    print(f"  loss {num(o['loss'])}, second half {num(o['secondHalfLoss'])}, accuracy {num(o['accuracy'], True)}")
    print(f"  mean over tasks of the first-20 loss {num(o['meanFirst20Loss'])}")
    for kind, b in by_type.items():
        print(f"  {kind}: {b['tasks']} tasks, {b['events']} events, loss {num(b['loss'])}, "
              f"mean of task losses {num(b['meanTaskLoss'])}")
    ignored = sum(r["ignoredFeatures"] for r in rows)
    if ignored:
        print(f"  {ignored} feature values ignored (names first seen after their task's model was fit)")
    print(f"model: one MLP per task, hidden (64, 64), adam lr 0.001, batch {args.batch}, seed {args.seed}, "
          f"scikit-learn {sklearn.__version__}")
    print(f"time: {seconds:.1f} s ({o['eventsPerSecond']:.0f} lines/s)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(dict(setup=setup, overall=overall, tasks=rows), f, indent=2)
            f.write("\n")


def main(argv=None):
    args = parse_args(argv)
    if args.batch < 1:
        sys.exit("--batch must be at least 1")
    # partial_fit does one iteration per call: sklearn's "max_iter reached" warning is noise here.
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    tasks, all_losses, counts, seconds = run(args)
    report(args, tasks, all_losses, counts, seconds)


if __name__ == "__main__":
    main()
