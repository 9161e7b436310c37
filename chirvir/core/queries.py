"""Hot queries compiled once: the few querysets that every API or page read runs (the token, the
page's statuses) cost far more in Django building and compiling their SQL than in the database
(a home read spent ~45 % of its CPU there, SQLite ~2 %). `Prepared` compiles a queryset's SQL
and its row layout once per process and thread, for each shape of its arguments (how many IDs a
list holds), and then only runs it with the new values and builds the models as Django would.

Nothing of the data is kept, only the SQL text: every run reads the database, so a change made
by any process shows in the next run of every other."""

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.query import FlatValuesListIterable, ModelIterable, ValuesListIterable, get_related_populators

# Stand-ins for the arguments while the SQL is compiled, found again among its parameters.
_INT_BASE = -(2**62)
_TIME_BASE = datetime(1900, 1, 1, tzinfo=UTC)


class _Compiled:
    def __init__(self, queryset, slots: dict, alias: str):
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # `id__in=[]`: Django answers nothing without asking the database
            sql, params = None, []
        self.sql, self.alias = sql, alias
        # Where each parameter comes from: (argument, index in a list argument), or a constant.
        self.template = [
            slots[p] if isinstance(p, (int, str, datetime)) and p in slots else ("const", p) for p in params
        ]
        missing = set(slots.values()) - {t for t in self.template if t[0] != "const"}
        if missing:  # Django rewrote an argument (a lookup that transforms its value): not for this
            raise ValueError(f"Prepared: arguments {sorted(missing)} are not parameters of {sql}")
        if sql is None:
            return
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        self.converters = compiler.get_converters(fields)
        self.compiler = compiler
        self.iterable = queryset._iterable_class
        if issubclass(self.iterable, ModelIterable):
            info = compiler.klass_info
            self.model = info["model"]
            start, end = info["select_fields"][0], info["select_fields"][-1] + 1
            self.span = (start, end)
            self.init_list = [f[0].target.attname for f in compiler.select[start:end]]
            self.populators = get_related_populators(info, compiler.select, alias)

    def params(self, args: tuple) -> list:
        # A time goes in as Django would write it for a DateTimeField (text in UTC on SQLite).
        ops = connections[self.alias].ops
        args = tuple(ops.adapt_datetimefield_value(a) if isinstance(a, datetime) else a for a in args)
        return [_value(args, *t) for t in self.template]

    def run(self, args: tuple) -> list:
        if self.sql is None:
            return []
        return self.built(self.execute(self.sql, self.params(args)))

    def execute(self, sql: str, params: list) -> list:
        with connections[self.alias].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def built(self, rows: list) -> list:
        """The rows as iterating the queryset gives them: converted, and models built."""
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        if issubclass(self.iterable, FlatValuesListIterable):
            return [row[0] for row in rows]
        if issubclass(self.iterable, ValuesListIterable):
            return [tuple(row) for row in rows]
        start, end = self.span
        found = []
        for row in rows:
            obj = self.model.from_db(self.alias, self.init_list, row[start:end])
            for populator in self.populators:
                populator.populate(row, obj)
            found.append(obj)
        return found


def _value(args: tuple, argument, index):
    if argument == "const":
        return index  # the constant itself
    return args[argument] if index is None else args[argument][index]


class Prepared:
    """`build(*args)` makes a queryset from its arguments (IDs, or text, or lists of either, or
    times compared with a DateTimeField) in filters that pass them as they are;
    `Prepared(build)(*args)` gives what iterating it would (models, with what it select_related;
    or the rows of a values_list) without compiling it again. The queryset may hold no parameter
    of its own that changes (such as the time now)."""

    def __init__(self, build: Callable, alias: str = "default"):
        self.build, self.alias = build, alias
        self._local = threading.local()

    def __call__(self, *args, **fixed) -> list:
        """`args` are parameters of the SQL (None is passed as it is, and makes a shape of its
        own); `fixed` are keywords that change the SQL itself (a LIMIT, a setting), each value a
        shape of its own."""
        return self._compiled(args, fixed).run(args)

    def union(self, calls: list[tuple[tuple, dict]]) -> list:
        """The rows of a call for each `(args, fixed)` of `calls` together, in no order, read by
        one statement: each call's query a subquery of its own, so that it keeps its own ORDER BY
        and LIMIT (and its index), joined by UNION ALL. For queries of one column (values_list)."""
        # The calls of one shape side by side (by their compiled query), so that one text of the
        # joined SQL serves the calls in whatever order they come.
        members = sorted(((self._compiled(a, f), a) for a, f in calls), key=lambda m: id(m[0]))
        members = [(compiled, args) for compiled, args in members if compiled.sql is not None]
        if not members:
            return []
        if any(compiled.compiler.col_count != 1 for compiled, _args in members):
            raise ValueError("Prepared.union: for queries of one column")
        shape = tuple(id(compiled) for compiled, _args in members)
        joined = self._local.__dict__.setdefault("unions", {})
        sql = joined.get(shape)
        if sql is None:
            sql = joined[shape] = " UNION ALL ".join(
                f"SELECT * FROM ({compiled.sql}) AS member{n}" for n, (compiled, _args) in enumerate(members)
            )
        params = [p for compiled, args in members for p in compiled.params(args)]
        first = members[0][0]
        return first.built(first.execute(sql, params))

    def _compiled(self, args: tuple, fixed: dict) -> _Compiled:
        shape = (tuple(len(a) if isinstance(a, (list, tuple)) else type(a) for a in args), *sorted(fixed.items()))
        cache = self._local.__dict__.setdefault("compiled", {})
        compiled = cache.get(shape)
        if compiled is None:
            compiled = cache[shape] = self._compile(args, fixed)
        return compiled

    def _compile(self, args: tuple, fixed: dict) -> _Compiled:
        slots, standins, n = {}, [], 0
        for argument, value in enumerate(args):
            if value is None:
                standins.append(None)
            elif isinstance(value, (list, tuple)):
                items = []
                for index, item in enumerate(value):
                    n += 1
                    items.append(f"\x00prepared {n}" if isinstance(item, str) else _INT_BASE - n)
                    slots[items[-1]] = (argument, index)
                standins.append(items)
            elif isinstance(value, datetime):
                n += 1
                standin = _TIME_BASE + timedelta(microseconds=n)
                slots[connections[self.alias].ops.adapt_datetimefield_value(standin)] = (argument, None)
                standins.append(standin)
            else:
                n += 1
                standin = _INT_BASE - n if isinstance(value, int) else f"\x00prepared {n}"
                slots[standin] = (argument, None)
                standins.append(standin)
        return _Compiled(self.build(*standins, **fixed), slots, self.alias)
