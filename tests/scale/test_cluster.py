"""Two `atelier serve` processes on one PostgreSQL and one Redis, clients split across both."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from tests.scale.helpers import (
    assert_contiguous,
    assert_converged,
    eventually,
    stored_commands,
    stored_events,
)
from tests.support.client import Participant, create_board, fetch_state, join_board


async def _board_with_people(home, servers, n: int) -> tuple[dict, Participant, list[tuple[Participant, str]]]:
    """A board made on `home`, its facilitator connected there, and n participants connected round-robin
    to `servers` (joined over HTTP on the same process they connect to)."""
    board = await create_board(home.url)
    fac = await Participant(home.ws_url, board["code"], board["facilitator_token"]).connect()
    people = []
    for i in range(n):
        node = servers[i % len(servers)]
        joined = await join_board(node.url, board["code"], f"Personne {i}")
        people.append((await Participant(node.ws_url, board["code"], joined["token"]).connect(), joined["token"]))
    return board, fac, people


async def _close(*clients: Participant) -> None:
    await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)


async def test_every_change_reaches_every_client_on_either_process(cluster):
    a, b = cluster
    board, fac, people = await _board_with_people(a, [a, b], 4)
    await fac.ok("phase.set", {"phase": "divergence"})
    seqs = await asyncio.gather(
        *(p.ok("note.add", {"text": f"idée {i}-{k}"}) for i, (p, _) in enumerate(people) for k in range(5))
    )
    seqs.append(await fac.ok("question.set", {"text": "Comment aller vers les habitants ?"}))
    everyone = [(fac, board["facilitator_token"]), *people]
    for client, _ in everyone:
        await client.wait_seq(max(seqs))
    # Each process's GET agrees with every client, wherever that client is connected.
    await assert_converged(a.url, board["code"], everyone)
    await assert_converged(b.url, board["code"], everyone)
    notes = {n["text"] for n in fac.state["notes"].values()}
    assert notes == {f"idée {i}-{k}" for i in range(4) for k in range(5)}
    await _close(fac, *(p for p, _ in people))


async def test_presence_spans_processes_expires_with_a_dead_process_and_is_never_stored(cluster, pg_url):
    a, b = cluster
    board, fac, people = await _board_with_people(a, [a, b], 4)
    head_before = (await fetch_state(a.url, board["code"], board["facilitator_token"]))["seq"]
    everyone = {fac.you["id"], *(p.you["id"] for p, _ in people)}
    on_b = {p.you["id"] for p, _ in people if p.ws_url == b.ws_url}
    assert on_b and on_b != everyone
    for client in [fac, *(p for p, _ in people)]:
        await eventually(lambda c=client: set(c.online) == everyone, what="everyone online everywhere")
    # SIGKILL: no goodbye is sent, so the others must expire b's announcement by themselves.
    b.kill()
    await eventually(lambda: set(fac.online) == everyone - on_b, what="b's participants expire on a")
    events = await stored_events(pg_url, board["board_id"])
    assert len(events) == head_before  # connecting, presence and its expiry wrote nothing
    assert not [e for e in events if "presence" in e["name"] or "online" in e["name"]]
    await _close(fac, *(p for p, _ in people))


async def test_concurrent_votes_from_both_processes_respect_the_budget(cluster, pg_url):
    a, b = cluster
    board, fac, people = await _board_with_people(a, [a, b], 20)
    await fac.ok("phase.set", {"phase": "divergence"})
    note_ids = []
    for i in range(4):
        await fac.ok("note.add", {"text": f"piste {i}"})
    await eventually(lambda: len(fac.state["notes"]) == 4, what="four notes")
    note_ids = sorted(fac.state["notes"])
    await fac.ok("votes.configure", {"budget": 3})
    await fac.ok("phase.set", {"phase": "convergence"})

    async def vote(person: Participant, k: int) -> tuple[str, dict]:
        return person.you["id"], await person.cmd("vote.add", {"note_id": note_ids[k % 4]})

    answers = await asyncio.gather(*(vote(p, k) for p, _ in people for k in range(10)))
    assert len(answers) == 200
    accepted = Counter(pid for pid, answer in answers if answer["type"] == "ack")
    refused = [answer for _, answer in answers if answer["type"] != "ack"]
    assert accepted == Counter({p.you["id"]: 3 for p, _ in people})
    assert {answer["code"] for answer in refused} == {"vote_budget_exhausted"}

    events = await stored_events(pg_url, board["board_id"])
    assert_contiguous(events)
    stored_votes = Counter(e["data"]["note_id"] for e in events if e["name"] == "vote.added")
    per_voter = Counter(e["data"]["participant_id"] for e in events if e["name"] == "vote.added")
    assert max(per_voter.values()) == 3 and sum(per_voter.values()) == 60
    fetched = await fetch_state(b.url, board["code"], board["facilitator_token"])
    assert fetched["state"]["votes"] == dict(stored_votes)
    await assert_converged(a.url, board["code"], [(fac, board["facilitator_token"]), *people])
    await _close(fac, *(p for p, _ in people))


async def test_sigkill_during_a_burst_loses_no_acknowledged_command(cluster, pg_url):
    a, b = cluster
    board, fac, people = await _board_with_people(b, [a, b], 4)
    await fac.ok("phase.set", {"phase": "divergence"})
    burst = 30
    acked: dict[str, int] = {}
    on_a = [(i, p) for i, (p, _) in enumerate(people) if p.ws_url == a.ws_url]
    a_is_busy = asyncio.Event()

    async def send(person: Participant, cid: str) -> None:
        try:
            answer = await person.cmd("note.add", {"text": cid}, cid=cid)
        except Exception:
            return  # lost with the process: resent below
        assert answer["type"] == "ack", answer
        acked[cid] = answer["seq"]
        if sum(c.startswith(f"w{on_a[0][0]}-") for c in acked) >= 3:
            a_is_busy.set()

    def cids(i: int) -> list[str]:
        return [f"w{i}-{k}" for k in range(burst)]

    sends = [asyncio.create_task(send(p, cid)) for i, (p, _) in enumerate(people) for cid in cids(i)]
    await asyncio.wait_for(a_is_busy.wait(), 30)
    a.kill()  # in the middle of the burst
    await asyncio.gather(*sends)
    before = dict(acked)
    assert len(before) < 4 * burst  # the kill did cut the burst short

    for _, person in on_a:
        await eventually(person.closed.is_set, what="a's clients see the connection drop")
        person.ws_url = b.ws_url
        await person.resume()
    # Every client resends what was not acknowledged, with the same cid, on the surviving process.
    for i, (person, _) in enumerate(people):
        for cid in cids(i):
            if cid not in acked:
                answer = await person.cmd("note.add", {"text": cid}, cid=cid)
                assert answer["type"] == "ack", answer
                acked[cid] = answer["seq"]
        # An acknowledged command resent on another process gets its first answer and changes nothing.
        first = cids(i)[0]
        assert (await person.cmd("note.add", {"text": first}, cid=first))["seq"] == acked[first]

    events = await stored_events(pg_url, board["board_id"])
    assert_contiguous(events)
    texts = Counter(e["data"]["note"]["text"] for e in events if e["name"] == "note.added")
    assert texts == Counter({cid: 1 for i in range(4) for cid in cids(i)})
    by_cid = {row["cid"]: row["seq"] for row in await stored_commands(pg_url, board["board_id"])}
    for cid, seq in before.items():
        assert by_cid[cid] == seq  # what was acknowledged before the crash is what is stored
    await assert_converged(b.url, board["code"], [(fac, board["facilitator_token"]), *people])
    await _close(fac, *(p for p, _ in people))


@pytest.mark.parametrize("replay_limit", [5])
async def test_offline_client_resumes_on_the_other_process(servers, scale_env, replay_limit):
    env = {**scale_env, "ATELIER_REPLAY_LIMIT": str(replay_limit)}
    a, b = servers(env, "a"), servers(env, "b")
    board, fac, people = await _board_with_people(a, [a], 2)
    (alice, alice_token), (bob, bob_token) = people

    # Alice misses a few events (within the replay limit) and resumes on b: exactly those are replayed.
    await alice.close()
    last = alice.seq
    for k in range(3):
        head = await fac.ok("question.set", {"text": f"Question {k}"})
    await fac.wait_seq(head)
    alice.ws_url = b.ws_url
    await alice.resume()
    replayed = alice.welcome["replay"]
    assert [e["seq"] for e in replayed] == list(range(last + 1, head + 1))
    seen_by_fac = [e for e in fac.events if e["seq"] > last]
    assert [(e["name"], e["data"]) for e in replayed] == [(e["name"], e["data"]) for e in seen_by_fac]
    assert "reset" not in alice.welcome or not alice.welcome["reset"]

    # Bob falls further behind than the replay limit: he gets a fresh snapshot, flagged reset.
    await bob.close()
    for k in range(replay_limit + 2):
        await fac.ok("question.set", {"text": f"Encore {k}"})
    bob.ws_url = b.ws_url
    await bob.resume()
    assert bob.welcome["reset"] is True
    assert "replay" not in bob.welcome
    await assert_converged(b.url, board["code"], [(fac, board["facilitator_token"]), (alice, alice_token),
                                                  (bob, bob_token)])
    await _close(fac, alice, bob)


async def test_resent_cid_gets_its_first_answer_on_the_other_process(cluster, pg_url):
    a, b = cluster
    board, fac, people = await _board_with_people(a, [a], 1)
    (alice, _), = people
    await fac.ok("phase.set", {"phase": "divergence"})
    await fac.wait_seq(await fac.ok("note.add", {"text": "piste"}))
    await fac.ok("votes.configure", {"budget": 1})
    await fac.ok("phase.set", {"phase": "convergence"})
    note_id = next(iter(fac.state["notes"]))
    first = await alice.cmd("vote.add", {"note_id": note_id}, cid="dot-1")
    assert first["type"] == "ack"
    await alice.close()
    alice.ws_url = b.ws_url
    await alice.resume()
    # Deciding it again would fail (the budget of 1 is spent): the stored first answer is given instead.
    again = await alice.cmd("vote.add", {"note_id": note_id}, cid="dot-1")
    assert again == first
    other = await alice.cmd("vote.add", {"note_id": note_id}, cid="dot-2")
    assert other["code"] == "vote_budget_exhausted"
    votes = [e for e in await stored_events(pg_url, board["board_id"]) if e["name"] == "vote.added"]
    assert len(votes) == 1
    await _close(fac, alice)
