"""Turns per pass of the event loop (turns.py): a crowd goes through a few at a time, in order, and
whatever else the loop runs gets a pass in between."""

from __future__ import annotations

import asyncio

import pytest

from atelier.turns import Turns


async def test_a_crowd_goes_through_a_few_a_pass_in_order_with_the_loop_between() -> None:
    turns = Turns(per_pass=4)
    seen: list[str] = []
    stop = False

    async def bystander() -> None:
        # Another socket's work: it runs once a pass, however many are waiting for their turn.
        while not stop:
            seen.append("|")
            await asyncio.sleep(0)

    async def arrive(i: int) -> None:
        await turns.take()
        seen.append(str(i))

    ticker = asyncio.create_task(bystander())
    await asyncio.sleep(0)
    await asyncio.gather(*(arrive(i) for i in range(18)))
    stop = True
    await ticker
    assert [int(s) for s in seen if s != "|"] == list(range(18))  # first come, first served
    runs = [run for run in " ".join(seen).split("|") if run.strip()]
    # Between two of the bystander's turns: at most one pass's worth, give or take where the
    # bystander stood in each pass (the end of one pass and the start of the next).
    assert max(len(run.split()) for run in runs) <= 2 * 4
    assert len(runs) >= 3  # all 18 at once before


async def test_a_cancelled_waiter_gives_its_turn_to_the_next() -> None:
    turns = Turns(per_pass=1)
    # Three arrive in one pass: the first gets the pass's one turn, the others wait.
    holder = asyncio.create_task(turns.take())
    first = asyncio.create_task(turns.take())
    second = asyncio.create_task(turns.take())
    await asyncio.sleep(0)
    assert holder.done() and not first.done() and not second.done()
    first.cancel()
    await asyncio.wait_for(second, 1)
    assert first.cancelled()


def test_alone_it_does_not_wait() -> None:
    async def main() -> None:
        turns = Turns(per_pass=2)
        for _ in range(5):
            step = turns.take()
            with pytest.raises(StopIteration):
                step.send(None)  # done without suspending
            await asyncio.sleep(0)  # a pass between two arrivals, as between two people's hellos

    asyncio.run(main())
