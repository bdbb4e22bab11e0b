#!/usr/bin/python3
"""simpy_peer.py - the benchmark's model core (victims and their clocks,
triage, ambulances, one hospital) in SimPy 3, read from the same
scenario.txt as the C engine, for bench/mci/run. Usage:
simpy_peer.py SCENARIO REPLICATIONS SEED. Prints a RESULT line: mean
deaths, its 95% t interval, CPU seconds per replication."""
import math
import random
import sys
import time

import simpy

CATS = {"T1": 0, "T2": 1, "T3": 2, "DEAD": 3}
KILLED, NISS16, NISS9, NISS1 = range(4)
SEVS = {"killed": KILLED, "niss16": NISS16, "niss9": NISS9, "niss1": NISS1}
(HOT, TQ, TRI, WAIT, AMB, WALK, HQ, HSVC, CARED, DEAD) = range(10)
WORSEN_VOLUME = 0.7


def read(path):
    p = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                k, v = line.split("=", 1)
                p[k] = v
    return p


def tri(v):
    x = [float(a) for a in v.split(",")]
    return (x[0], x[0], x[0]) if len(x) == 1 else tuple(x)


def tri_draw(rng, t):
    lo, mode, hi = t
    u, w = rng.random(), hi - lo
    if not w > 0:
        return lo
    if u * w < mode - lo:
        return lo + math.sqrt(u * w * (mode - lo))
    return hi - math.sqrt((1 - u) * w * (hi - mode))


class Params:
    def __init__(self, p):
        self.horizon = float(p["horizon_min"])
        self.victims = int(p["attack.victims"])
        self.mix = [float(p["attack.mix." + k]) for k in ("killed", "niss16", "niss9", "niss1")]
        self.secure = tri(p["attack.sites.0.secure_min"])
        self.base_travel = float(p["attack.sites.0.base_travel_min.0"])
        self.hosp_travel = float(p["attack.sites.0.hospital_travel_min.0"])
        self.death_a = float(p["injury.death_a"])
        self.death_b = float(p["injury.death_b"])
        self.sigma = float(p["injury.death_sigma"])
        self.niss = {s: tri(p["injury.niss." + k]) for k, s in SEVS.items() if s != KILLED}
        self.bleed_share = [0.0] + [float(p["injury.bleeding_share." + k]) for k in ("niss16", "niss9", "niss1")]
        self.alpha = tri(p["injury.bleed_alpha"])
        self.bleed_death = -math.log(float(p["injury.bleed_death_fraction"]))
        self.bcf = float(p["injury.bleeding_control_factor"])
        self.dcr = float(p["injury.dcr_factor"])
        self.resus_factor = float(p["injury.resus_factor"])
        self.crews = int(p["response.triage_crews"])
        self.triage_min = tri(p["response.triage_min"])
        self.misclass = [[float(p["response.misclass.START.%s.%s" % (t, a)]) for a in ("T1", "T2", "T3", "DEAD")]
                         for t in ("T1", "T2", "T3")]
        self.dispatch = tri(p["response.bases.0.dispatch_min"])
        self.wave = float(p["response.bases.0.wave_interval_min"])
        self.ambulances = int(p["response.ambulances"])
        self.ppa = [int(p["response.patients_per_ambulance." + c]) for c in ("T1", "T2", "T3")]
        self.load = tri(p["response.load_min"])
        self.handover = tri(p["response.handover_min"])
        self.noise = float(p["response.travel_noise"])
        self.walking = float(p["response.walking_share"])
        self.walk_delay = tri(p["response.walk_delay_min"])
        self.walk_factor = float(p["response.walk_travel_factor"])
        self.resus = int(p["hospitals.0.resus"])
        self.or_tables = int(p["hospitals.0.or_tables"])
        self.ed = int(p["hospitals.0.ed_beds"])
        self.resus_min = tri(p["hospitals.0.resus_min"])
        self.surgery_min = tri(p["hospitals.0.surgery_min"])
        self.ed_min = tri(p["hospitals.0.ed_min"])
        # what the peer leaves out must be off in the scenario
        assert p["response.rtf"] == "false" and int(p["response.ccp_staff"]) == 0
        assert float(p["hospitals.0.surge_factor"]) == 1 and p["response.scoop_and_run"] == "true"
        assert all(r[3] == 0 for r in self.misclass)
        assert self.bleed_share[NISS9] == 0 and self.bleed_share[NISS1] == 0


class Victim:
    __slots__ = ("i", "sev", "truecat", "cat", "state", "lethal_used", "lethal_at", "lethal_rate",
                 "bleed_used", "bleed_rate", "alpha", "t_upd", "epoch", "died", "bc", "dcr", "stop",
                 "rb")


class Amb:
    __slots__ = ("k", "load", "go")


class Run:
    def __init__(self, par, rng):
        self.p, self.rng = par, rng
        self.env = simpy.Environment()
        self.deaths = 0
        self.need = self.assigned = self.untriaged = 0
        self.wait = [[], [], []]
        self.idle = []
        self.crews = simpy.Resource(self.env, capacity=max(par.crews, 1))
        self.resus = simpy.Resource(self.env, capacity=max(par.resus, 1))
        self.or_ = simpy.Resource(self.env, capacity=max(par.or_tables, 1))
        self.ed = simpy.Resource(self.env, capacity=max(par.ed, 1))

    # the clocks
    def update(self, v):
        dt = self.env.now - v.t_upd
        if dt > 0:
            v.lethal_used += v.lethal_rate * dt
            v.bleed_used += v.bleed_rate * dt
        v.t_upd = self.env.now

    def schedule(self, v):
        v.epoch += 1
        td = math.inf
        if v.lethal_rate > 0:
            td = self.env.now + (v.lethal_at - v.lethal_used) / v.lethal_rate
        if v.bleed_rate > 0:
            td = min(td, self.env.now + (self.p.bleed_death - v.bleed_used) / v.bleed_rate)
        if td <= self.p.horizon:
            self.env.process(self.death_timer(v, v.epoch, max(td, self.env.now)))

    def death_timer(self, v, epoch, td):
        yield self.env.timeout(td - self.env.now)
        if v.epoch == epoch and v.state != DEAD:
            self.die(v)

    # rb: damage-control resuscitation in a hospital's resuscitation bay (injury.resus_factor)
    def treat(self, v, bc, dcr, stop, rb=False):
        if v.stop:
            return
        before = (v.bc, v.dcr, v.stop, v.rb)
        self.update(v)
        v.bc, v.dcr, v.stop, v.rb = v.bc or bc, v.dcr or dcr, v.stop or stop, v.rb or rb
        if (v.bc, v.dcr, v.stop, v.rb) == before:
            return
        if v.stop:
            v.lethal_rate = v.bleed_rate = 0.0
        else:
            if math.isfinite(v.lethal_at):
                v.lethal_rate = 1 / self.p.resus_factor if v.rb else 1 / self.p.dcr if v.dcr else 1.0
            if v.alpha > 0:
                v.bleed_rate = v.alpha * (self.p.bcf if v.bc else 1.0)
        self.schedule(v)

    def die(self, v):
        st = v.state
        self.update(v)
        v.state = DEAD
        self.deaths += 1
        if st in (HOT, TQ, TRI, WAIT):
            self.need -= 1
        if st in (HOT, TQ, TRI):
            self.untriaged_done()
        v.died.succeed()

    # the scene
    def victims(self):
        p, rng = self.p, self.rng
        out = []
        for i in range(p.victims):
            v = Victim()
            v.i, v.epoch, v.t_upd = i, 0, 0.0
            v.lethal_used = v.bleed_used = v.lethal_rate = v.bleed_rate = v.alpha = 0.0
            v.lethal_at = math.inf
            v.bc = v.dcr = v.stop = v.rb = False
            v.died = self.env.event()
            u_sev, u_niss, u_bleed, u_alpha = rng.random(), rng.random(), rng.random(), rng.random()
            z, u_walk = rng.gauss(0, 1), rng.random()
            acc, v.sev = 0.0, NISS1
            for c in range(4):
                acc += p.mix[c]
                if u_sev < acc:
                    v.sev = c
                    break
            if v.sev == KILLED:
                v.state = DEAD
                self.deaths += 1
                continue
            lo, mode, hi = p.niss[v.sev]
            w = hi - lo
            if not w > 0:
                niss = lo
            elif u_niss * w < mode - lo:
                niss = lo + math.sqrt(u_niss * w * (mode - lo))
            else:
                niss = hi - math.sqrt((1 - u_niss) * w * (hi - mode))
            niss = math.floor(niss + 0.5)
            if v.sev == NISS16:
                niss = max(niss, 16)
                m = p.death_a * niss ** p.death_b
                v.lethal_at = m * math.exp(p.sigma * z - 0.5 * p.sigma * p.sigma)
                v.lethal_rate = 1.0
            if u_bleed < p.bleed_share[v.sev]:
                lo, mode, hi = p.alpha
                w = hi - lo
                if not w > 0:
                    v.alpha = lo
                elif u_alpha * w < mode - lo:
                    v.alpha = lo + math.sqrt(u_alpha * w * (mode - lo))
                else:
                    v.alpha = hi - math.sqrt((1 - u_alpha) * w * (hi - mode))
                v.bleed_rate = v.alpha
            v.truecat = {NISS16: 0, NISS9: 1}.get(v.sev, 2)
            if v.sev == NISS1 and v.alpha == 0 and u_walk < p.walking:
                v.state = WALK
                self.env.process(self.walker(v))
            else:
                v.state = HOT
                self.need += 1
                self.untriaged += 1
                out.append(v)
            self.schedule(v)
        return out

    def walker(self, v):
        # the delay before they set out, then their trip by private means
        yield self.env.timeout(tri_draw(self.rng, self.p.walk_delay) + self.p.walk_factor * self.p.hosp_travel)
        if v.state == WALK:
            self.env.process(self.hospital(v))

    def secure(self, hot):
        yield self.env.timeout(tri_draw(self.rng, self.p.secure))
        for v in hot:
            if v.state == HOT:
                v.state = TQ
                self.env.process(self.triage(v))

    def triage(self, v):
        with self.crews.request() as req:
            got = yield req | v.died
            if req not in got or v.state == DEAD:
                return
            v.state = TRI
            done = yield self.env.timeout(tri_draw(self.rng, self.p.triage_min)) | v.died
            if v.state == DEAD:
                return
        row, u, acc, v.cat = self.p.misclass[v.truecat], self.rng.random(), 0.0, 3
        for c in range(3):
            acc += row[c]
            if u < acc:
                v.cat = c
                break
        v.state = WAIT
        self.wait[v.cat].append(v)
        if self.idle:
            self.try_load(self.idle.pop())
        self.untriaged_done()

    def untriaged_done(self):
        self.untriaged -= 1
        if self.untriaged == 0 and self.idle:
            idle, self.idle = self.idle, []
            for a in idle:
                self.try_load(a)

    # ambulances
    def try_load(self, a):
        p, cap, a.load = self.p, 20, []
        for c in range(3):
            if c == 2 and self.untriaged:
                break
            q = self.wait[c]
            while q and len(a.load) < cap:
                v = q[0]
                if v.state != WAIT:
                    q.pop(0)
                    continue
                if len(a.load) >= min(p.ppa[c], cap):
                    break
                cap = min(cap, p.ppa[c])
                q.pop(0)
                v.state = AMB
                self.need -= 1
                a.load.append(v)
            if len(a.load) >= cap:
                break
        if not a.load:
            self.idle.append(a)
            return
        a.go.succeed()

    def ambulance(self, a):
        p, rng, env = self.p, self.rng, self.env
        yield env.timeout(tri_draw(rng, p.dispatch) + p.wave * a.k)
        travel = p.base_travel
        while self.need - self.assigned > 0:
            self.assigned += 1
            yield env.timeout(travel * math.exp(p.noise * rng.gauss(0, 1)))
            a.go = env.event()
            self.try_load(a)
            yield a.go
            yield env.timeout(tri_draw(rng, p.load))
            self.assigned -= 1
            yield env.timeout(p.hosp_travel * math.exp(p.noise * rng.gauss(0, 1)))
            for v in a.load:
                if v.state == AMB:
                    env.process(self.hospital(v))
            a.load = []
            yield env.timeout(tri_draw(rng, p.handover))
            travel = p.hosp_travel

    # the hospital: triaged again on arrival, without error
    def hospital(self, v):
        p, env = self.p, self.env
        v.state = HQ
        if v.truecat == 0:
            with self.resus.request() as req:
                got = yield req | v.died
                if v.state == DEAD:
                    return
                v.state = HSVC
                self.treat(v, True, True, False, True)
                yield env.timeout(tri_draw(self.rng, p.resus_min)) | v.died
                if v.state == DEAD:
                    return
            v.state = HQ
            with self.or_.request() as req:
                yield req | v.died
                if v.state == DEAD:
                    return
                v.state = HSVC
                self.treat(v, True, True, True)
                yield env.timeout(tri_draw(self.rng, p.surgery_min))
            v.state = CARED
        else:
            with self.ed.request() as req:
                yield req | v.died
                if v.state == DEAD:
                    return
                v.state = HSVC
                self.treat(v, True, False, False)
                yield env.timeout(tri_draw(self.rng, p.ed_min)) | v.died
                if v.state == DEAD:
                    return
                self.treat(v, True, False, True)
            v.state = CARED

    def run(self):
        hot = self.victims()
        self.env.process(self.secure(hot))
        for k in range(self.p.ambulances):
            a = Amb()
            a.k, a.load, a.go = k, [], None
            self.env.process(self.ambulance(a))
        self.env.run(until=self.p.horizon + 1e-9)
        return self.deaths


def t975(df):
    """Student's t 97.5% quantile by the Cornish-Fisher expansion (within 1e-4 for df >= 10)."""
    z = 1.959963984540054
    return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df)


def main():
    path, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    par = Params(read(path))
    deaths = []
    c0 = time.process_time()
    for rep in range(n):
        deaths.append(Run(par, random.Random(seed * 1000003 + rep)).run())
    cpu = time.process_time() - c0
    m = sum(deaths) / n
    sd = math.sqrt(sum((d - m) ** 2 for d in deaths) / (n - 1))
    h = t975(n - 1) * sd / math.sqrt(n)
    print("simpy: %d replications: %.3f s CPU (%.4f s per replication)" % (n, cpu, cpu / n))
    print("simpy: mean deaths %.3f [%.3f, %.3f] (95%% t interval)" % (m, m - h, m + h))
    print("RESULT simpy %.6f %.6f %.6f %.9f" % (m, m - h, m + h, cpu / n))


if __name__ == "__main__":
    main()
