import { describe, expect, it } from 'vitest';
import { adjacencyOf, karateClub, plantedPartition } from '../../../core/data/graphs';
import { DIRECTIONS, movingShapes, voxelShapes } from '../../../core/data/synthetic';

describe('karate club (Zachary 1977)', () => {
  const g = karateClub();
  it('has 34 members, 78 distinct friendships and the published degrees', () => {
    expect(g.nodes).toBe(34);
    expect(g.edges).toHaveLength(78);
    expect(new Set(g.edges.map(([i, j]) => `${Math.min(i, j)}-${Math.max(i, j)}`)).size).toBe(78);
    const deg = new Array<number>(34).fill(0);
    for (const [i, j] of g.edges) {
      deg[i]++;
      deg[j]++;
    }
    // Mr. Hi (1) 16, the Officer (34) 17, member 33 12, members 12 only 1 friend.
    expect([deg[0], deg[33], deg[32], deg[11]]).toEqual([16, 17, 12, 1]);
    expect(deg.reduce((a, b) => a + b, 0)).toBe(156);
  });

  it('splits 17 / 17 between Mr. Hi and the Officer, with the two leaders on opposite sides', () => {
    expect(g.labels.filter((y) => y === 0).length).toBe(17);
    expect([g.labels[0], g.labels[33]]).toEqual([0, 1]);
    const a = adjacencyOf(g, true);
    expect(a.data[0 * 34 + 1]).toBe(1);
    expect(a.data[1 * 34 + 0]).toBe(1);
    expect(a.data[5 * 34 + 5]).toBe(1);
    expect(a.data.reduce((s, v) => s + v, 0)).toBe(2 * 78 + 34);
  });
});

describe('planted partition', () => {
  it('is seeded and dense inside groups, sparse between them', () => {
    const o = { groups: 3, size: 40, pIn: 0.3, pOut: 0.02, seed: 4 };
    const g = plantedPartition(o);
    expect(plantedPartition(o).edges).toEqual(g.edges);
    expect(plantedPartition({ ...o, seed: 5 }).edges).not.toEqual(g.edges);
    let inside = 0;
    for (const [i, j] of g.edges) if (g.labels[i] === g.labels[j]) inside++;
    const pairsIn = 3 * (40 * 39) / 2;
    const pairsOut = (120 * 119) / 2 - pairsIn;
    expect(inside / pairsIn).toBeGreaterThan(0.25);
    expect(inside / pairsIn).toBeLessThan(0.35);
    expect((g.edges.length - inside) / pairsOut).toBeLessThan(0.04);
    expect(g.features.shape).toEqual([120, 8]);
  });
});

describe('moving shapes clips', () => {
  it('moves the shape in the labelled direction, frame after frame', () => {
    const ds = movingShapes({ count: 16, frames: 6, size: 16, seed: 2, noise: 0 });
    expect(ds.sampleShape).toEqual([1, 6, 16, 16]);
    expect(ds.classNames).toEqual([...DIRECTIONS]);
    const per = 6 * 256;
    for (let n = 0; n < ds.length; n++) {
      const centroid = (f: number): [number, number] => {
        let sx = 0;
        let sy = 0;
        let m = 0;
        for (let p = 0; p < 256; p++) {
          const v = ds.samples[n * per + f * 256 + p];
          sx += v * (p % 16);
          sy += v * Math.floor(p / 16);
          m += v;
        }
        return [sx / m, sy / m];
      };
      const [x0, y0] = centroid(0);
      const [x1, y1] = centroid(5);
      const dir = DIRECTIONS[ds.labels[n]];
      const moved = { right: x1 - x0, left: x0 - x1, down: y1 - y0, up: y0 - y1 }[dir];
      expect(moved).toBeGreaterThan(3);
    }
  });
});

describe('voxel shapes', () => {
  it('fills a cube more than a sphere of the same radius, and is seeded', () => {
    const ds = voxelShapes({ count: 30, size: 12, seed: 1, noise: 0 });
    expect(ds.sampleShape).toEqual([1, 12, 12, 12]);
    const again = voxelShapes({ count: 30, size: 12, seed: 1, noise: 0 });
    expect(again.samples.subarray(0, 5000)).toEqual(ds.samples.subarray(0, 5000));
    const filled = (n: number): number => ds.samples.subarray(n * 1728, (n + 1) * 1728).reduce((a, b) => a + b, 0);
    const mean = (k: number): number => {
      const xs = Array.from({ length: 10 }, (_, i) => filled(i * 3 + k));
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(mean(0)).toBeGreaterThan(mean(1)); // cube (2r)^3 > sphere 4/3 pi r^3
    expect(mean(2)).toBeGreaterThan(mean(1)); // cylinder 2 pi r^3 > sphere
    expect(Math.min(...Array.from({ length: 30 }, (_, i) => filled(i)))).toBeGreaterThan(10);
  });
});
