"""The harness's numbers as a Markdown section, with every figure against the floor and the
targets of issue 8 checked at the largest size run."""

LABELS = {
    "floor": "trivial route (floor)",
    "lesson": "lesson page",
    "outline": "course outline",
    "me": "/me",
    "quiz_page": "quiz page (start or attempt)",
    "quiz_start": "quiz start (POST)",
    "quiz_submit": "quiz submission (POST)",
}


def ms(value: float) -> str:
    return f"{value:.1f} ms"


def secs(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        f"## {m['date']}, commit {m['commit']}: load harness, `{results['label']}`",
        "",
        f"- machine: {m['platform']}, {m['cpus']} CPUs, Python {m['python']}, "
        f"SQLite {m['sqlite']}, {m['wrk']}; load average before {' '.join(m['load_before'])}, "
        f"after {' '.join(m.get('load_after', []))}",
        f"- load: wrk on the same machine, {results['connections']} connections (one signed-in "
        f"learner each), {results['seconds']} s per mix run after a 5 s warm-up; gunicorn "
        "with gunicorn.conf.py on 127.0.0.1",
        "- ratio: requests/s of the row ÷ requests/s of the trivial route in the same run; "
        "for single requests (reports, syncs): time ÷ one trivial request on an idle server",
        "",
    ]
    for engine, block in results["engines"].items():
        lines += engine_section(engine, block)
    lines += targets(results)
    return "\n".join(lines) + "\n"


def engine_section(engine: str, block: dict) -> list[str]:
    lines = [f"### {engine}", ""]
    lines += [
        "| size | learners | enrolments | lessons done | attempts | database | seeded in |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in block["sizes"]:
        d = run["data"]
        seeded = "reused" if d["reused"] else secs(d["seed_seconds"])
        lines.append(
            f"| {run['size']} | {d['users'] - 1:,} | {d['enrolments']:,} | "
            f"{d['lesson_progress']:,} | {d['quiz_attempts']:,} | {d['megabytes']} MB | {seeded} |"
        )
    lines.append("")
    for run in block["sizes"]:
        lines += load_table(run)
    lines += [
        "Completion report as an admin's browser gets it (median of the runs after a "
        "first one; page gzip-compressed when the server compresses):",
        "",
        "| size | report page | ratio | full CSV | ratio | CSV rows | page size |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in block["sizes"]:
        page, csv, one = (
            run["reports"]["report page"],
            run["reports"]["full CSV"],
            run["floor_single"],
        )
        lines.append(
            f"| {run['size']} | {secs(page['median'])} | {page['median'] / one:,.0f}× | "
            f"{secs(csv['median'])} | {csv['median'] / one:,.0f}× | {csv['rows']:,} | "
            f"{page['bytes'] / 1024:.0f} KB |"
        )
    one = block["sizes"][0]["floor_single"] if block["sizes"] else 0.001
    lines += [
        "",
        f"`lms courses sync` (one trivial request: {one * 1000:.1f} ms):",
        "",
        "| sync | time | ratio |",
        "|---|---:|---:|",
    ]
    for label, seconds in block["sync"].items():
        lines.append(f"| {label} | {secs(seconds)} | {seconds / one:,.0f}× |")
    lines.append("")
    return lines


def load_table(run: dict) -> list[str]:
    floor = run["floor"]["kinds"]["floor"]
    mix = run["mix"]
    lines = [
        f"Size {run['size']}: mix {mix['total_rps']:.0f} requests/s in all.",
        "",
        "| request | share | requests/s | ratio to floor | p50 | p95 | p99 | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| {LABELS['floor']} (alone) | - | {floor['rps']:.0f} | 1.00 | {ms(floor['p50'])} | "
        f"{ms(floor['p95'])} | {ms(floor['p99'])} | {floor['errors']} |",
    ]
    only = run["lessons"]["kinds"]["lesson"]
    lines.append(
        f"| lesson page (alone) | - | {only['rps']:.0f} | {only['rps'] / floor['rps']:.2f} | "
        f"{ms(only['p50'])} | {ms(only['p95'])} | {ms(only['p99'])} | {only['errors']} |"
    )
    for kind, k in mix["kinds"].items():
        lines.append(
            f"| {LABELS[kind]} | {k['share']:.0%} | {k['rps']:.0f} | "
            f"{k['rps'] / floor['rps']:.2f} | {ms(k['p50'])} | {ms(k['p95'])} | "
            f"{ms(k['p99'])} | {k['errors']}{' ' + str(k['statuses']) if k['errors'] else ''} |"
        )
    rec = run["recorded"]
    submitted = mix["kinds"].get("quiz_submit", {}).get("requests", 0)
    ok = submitted - mix["kinds"].get("quiz_submit", {}).get("errors", 0)
    mem = run["memory"]
    t = run["transfer"]
    lines += [
        "",
        f"- submissions: {ok} accepted by the server, {rec['submitted']} recorded in the "
        f"database, {rec['without_answers']} without answers, {rec['duplicates']} duplicate "
        "answers",
        f"- memory per worker ({mem['workers']} workers, "
        f"{mem.get('workers_seen', '?')} seen over the run as max_requests recycles them): "
        f"peak resident {mem['peak_rss_mb']:.0f} MB, proportional (shared pages split) "
        f"{mem['pss_mb']:.0f} MB at the end",
        f"- a lesson page ({t['encoding']}): HTML {t['html'] / 1024:.1f} KB "
        f"({t['html_raw'] / 1024:.1f} KB raw) + CSS {t['css'] / 1024:.1f} KB "
        f"({t['css_raw'] / 1024:.1f} KB raw) = {(t['html'] + t['css']) / 1024:.1f} KB; "
        f"render-blocking scripts: {t['blocking_scripts']}; CSS Cache-Control: "
        f"`{t.get('css_cache', '')}`",
        f"- wrk socket errors: {run['floor']['socket_errors'] or 'none'} (floor), "
        f"{mix['socket_errors'] or 'none'} (mix)",
        "",
    ]
    return lines


def targets(results: dict) -> list[str]:
    lines = [
        "### Targets (issue 8) at the largest size run",
        "",
        "| target | engine | measured | verdict |",
        "|---|---|---:|---|",
    ]

    def row(name, engine, value, text, limit, lower_is_better=True):
        met = value <= limit if lower_is_better else value >= limit
        verdict = (
            "met" if met else (f"missed by {abs(value - limit) / limit:.0%}" if limit else "missed")
        )
        lines.append(f"| {name} | {engine} | {text} | {verdict} |")

    for engine, block in results["engines"].items():
        run = block["sizes"][-1]
        mix, floor = run["mix"]["kinds"], run["floor"]["kinds"]["floor"]
        lesson, submit = mix.get("lesson"), mix.get("quiz_submit")
        if lesson:
            ratio = run["lessons"]["kinds"]["lesson"]["rps"] / floor["rps"]
            row(
                "lesson pages alone ≥ 25% of the floor's requests/s",
                engine,
                ratio,
                f"{ratio:.0%}",
                0.25,
                lower_is_better=False,
            )
            row(
                "lesson page p95 < 30 ms (in the mix)", engine, lesson["p95"], ms(lesson["p95"]), 30
            )
            errors = lesson["errors"] + run["lessons"]["kinds"]["lesson"]["errors"]
            row("lesson page: no errors", engine, errors, str(errors), 0)
        if submit:
            row("quiz submission p95 < 60 ms", engine, submit["p95"], ms(submit["p95"]), 60)
            recorded = run["recorded"]
            accepted = submit["requests"] - submit["errors"]
            # A submission the server recorded as wrk stopped has no response counted: at
            # most one per connection. Fewer recorded than accepted, or a duplicate answer
            # row, or an attempt without answers would be a lost or double submission.
            in_flight = recorded["submitted"] - accepted
            wrong = (
                max(0, -in_flight)
                + max(0, in_flight - results["connections"])
                + recorded["duplicates"]
                + recorded["without_answers"]
            )
            row(
                "every submission recorded once",
                engine,
                wrong,
                f"{recorded['submitted']} recorded for {accepted} accepted "
                f"(+{max(in_flight, 0)} in flight at the stop), "
                f"{recorded['duplicates']} duplicates",
                0,
            )
        reports = run["reports"]
        row(
            "report page < 0.5 s",
            engine,
            reports["report page"]["median"],
            secs(reports["report page"]["median"]),
            0.5,
        )
        row(
            f"full CSV ({reports['full CSV']['rows']:,} rows) < 2 s",
            engine,
            reports["full CSV"]["median"],
            secs(reports["full CSV"]["median"]),
            2,
        )
        sync = block["sync"]
        row(
            "sync of a 200-lesson course < 3 s (command)",
            engine,
            sync["cli: 200-lesson course"],
            secs(sync["cli: 200-lesson course"]),
            3,
        )
        row(
            "no-change re-sync < 0.5 s (command)",
            engine,
            sync["cli: 200-lesson, no change"],
            secs(sync["cli: 200-lesson, no change"]),
            0.5,
        )
        row(
            "no-change re-sync < 0.5 s (service)",
            engine,
            sync["service: 200-lesson, no change"],
            secs(sync["service: 200-lesson, no change"]),
            0.5,
        )
        t = run["transfer"]
        total = (t["html"] + t["css"]) / 1024
        row("lesson page + CSS < 30 KB transferred", engine, total, f"{total:.1f} KB", 30)
        row(
            "no render-blocking JavaScript",
            engine,
            t["blocking_scripts"],
            str(t["blocking_scripts"]),
            0,
        )
        memory = run["memory"]["peak_rss_mb"]
        row("memory per worker < 120 MB (peak resident)", engine, memory, f"{memory:.0f} MB", 120)
    lines.append("")
    return lines
