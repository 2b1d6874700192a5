// The leaderboard's regions table as its seed migration creates it (livepeer/leaderboard-serverless
// assets/migrations/2_seed_ref_data.up.sql; docs/sources.md §8.5), plus rough coordinates so probe
// round trips grow with distance.

export interface LeaderboardRegion {
  id: string;
  name: string;
  type: 'transcoding' | 'ai';
}

const T = (id: string, name: string): LeaderboardRegion => ({ id, name, type: 'transcoding' });
const A = (id: string, name: string): LeaderboardRegion => ({ id, name, type: 'ai' });

/** In insertion order, which is the order `GET /api/regions` returns them in. */
export const SEEDED_REGIONS: LeaderboardRegion[] = [
  T('GLOBAL', 'Global'), A('GLOBAL', 'Global'), T('ATL', 'Atlanta'), T('ATL2', 'Atlanta 2'), T('MDW', 'Chicago'), A('MDW', 'Chicago'),
  T('FRA', 'Frankfurt'), A('FRA', 'Frankfurt'), T('HOU', 'Houston'), T('LON', 'London'), T('LAX', 'Los Angeles'), A('LAX', 'Los Angeles'),
  T('MAD', 'Madrid'), T('MIA', 'Miami'), T('MOS2', 'Moscow'), T('ASH', 'Nashua'), T('NYC', 'New York City'), T('PRG', 'Prague'),
  T('SJO', 'San Jose'), T('SAO', 'São Paulo'), T('SEA', 'Seattle'), T('SIN', 'Singapore'), T('STO', 'Stockholm'), T('SYD', 'Sydney'),
  T('HND', 'Tokyo'), T('TOR', 'Toronto'),
];

/** The transcoding tester regions seen in the recorded explorer snapshot (real/livepeer-explorer). */
export const TRANSCODING_PROBE_REGIONS = ['ATL', 'FRA', 'HND', 'LAX', 'LON', 'MAD', 'MDW', 'MIA', 'NYC', 'SAO', 'SEA', 'SIN', 'STO', 'SYD'];

const COORDS: Record<string, [number, number]> = {
  ATL: [33.75, -84.39], ATL2: [33.75, -84.39], MDW: [41.88, -87.63], FRA: [50.11, 8.68], HOU: [29.76, -95.37], LON: [51.51, -0.13],
  LAX: [34.05, -118.24], MAD: [40.42, -3.7], MIA: [25.76, -80.19], MOS2: [55.76, 37.62], ASH: [42.77, -71.47], NYC: [40.71, -74.01],
  PRG: [50.08, 14.44], SJO: [37.34, -121.89], SAO: [-23.55, -46.63], SEA: [47.61, -122.33], SIN: [1.35, 103.82], STO: [59.33, 18.07],
  SYD: [-33.87, 151.21], HND: [35.68, 139.69], TOR: [43.65, -79.38],
};

/** Network round trip between two region codes in seconds: fibre at ~200 km/ms with 1.5x path stretch. */
export function networkRttSeconds(a: string, b: string): number {
  const p = COORDS[a];
  const q = COORDS[b];
  if (!p || !q) return 0.15;
  const rad = Math.PI / 180;
  const h = Math.sin(((q[0] - p[0]) * rad) / 2) ** 2 + Math.cos(p[0] * rad) * Math.cos(q[0] * rad) * Math.sin(((q[1] - p[1]) * rad) / 2) ** 2;
  const km = 2 * 6371 * Math.asin(Math.sqrt(h));
  return 0.004 + (2 * km * 1.5) / 200_000;
}
