import type { LineageDirection, LineageNodeNameFragment } from './generated/graphql';
import type { Comparison, LineageGraph } from './sdk';

/** Left-aligned columns, two spaces apart. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** "ModelVersion fraud-detector 3 (PRODUCTION)" */
export function nodeName(node: LineageNodeNameFragment): string {
  switch (node.__typename) {
    case 'ModelVersion': return `ModelVersion ${node.model.name} ${node.version} (${node.stage})`;
    case 'DatasetVersion': return `DatasetVersion ${node.dataset.name} ${node.version}`;
    case 'Run': return `Run ${node.name} (${node.status})`;
    case 'Deployment': return `Deployment ${node.name} (${node.environment})`;
    default: return `${node.__typename} ${node.name}`;
  }
}

type Edge = LineageGraph['edges'][number];

/**
 * The graph as indented trees from the root: upstream (what it came from) and/or downstream (what came of
 * it). A node reached twice is printed again with "…" instead of its subtree.
 */
export function renderLineage(graph: LineageGraph, direction: LineageDirection): string {
  const byId = new Map(graph.nodes.map((n) => [n.node.id, n.node]));
  byId.set(graph.root.id, graph.root);
  const lines = [`${nodeName(graph.root)}  ${graph.root.id}`];
  const walk = (up: boolean): void => {
    const seen = new Set([graph.root.id]);
    const next = (id: string): Edge[] => graph.edges.filter((e) => (up ? e.to === id : e.from === id));
    const visit = (id: string, indent: string): void => {
      for (const edge of next(id)) {
        const otherId = up ? edge.from : edge.to;
        const other = byId.get(otherId);
        if (!other) continue;
        const relation = `${edge.relation}${edge.role ? `:${edge.role}` : ''}`;
        const again = seen.has(otherId);
        lines.push(`${indent}${up ? '←' : '→'} ${relation} ${nodeName(other)}  ${otherId}${again ? ' …' : ''}`);
        if (again) continue;
        seen.add(otherId);
        visit(otherId, `${indent}  `);
      }
    };
    visit(graph.root.id, '  ');
  };
  if (direction !== 'DOWNSTREAM') {
    if (direction === 'BOTH') lines.push('upstream:');
    walk(true);
  }
  if (direction !== 'UPSTREAM') {
    if (direction === 'BOTH') lines.push('downstream:');
    walk(false);
  }
  if (graph.truncated) lines.push('(truncated: the graph goes on past --depth or the node limit)');
  return lines.join('\n');
}

const cell = (value: unknown): string => (value === null || value === undefined ? '-' : typeof value === 'string' ? value : JSON.stringify(value));

/** compareVersions as one table: a column per version, rows for params, metrics (best marked *), data and signature. */
export function renderComparison(c: Comparison): string {
  const headers = ['', ...c.versions.map((v) => `${v.model.name} ${v.version}`)];
  const rows: string[][] = [];
  for (const p of c.params) rows.push([`param ${p.key}${p.differs ? ' ≠' : ''}`, ...p.values.map(cell)]);
  for (const m of c.metrics) {
    rows.push([`metric ${m.key} (${m.higherIsBetter ? '↑' : '↓'})`, ...m.values.map((value, i) => {
      const best = m.best && m.best.id === c.versions[i].id ? '*' : '';
      return value === null ? '-' : `${value}${best}`;
    })]);
  }
  rows.push([`data${c.sameDatasets ? ' (same)' : ''}`, ...c.datasets.map((d) =>
    d.datasets.map((u) => `${u.role.toLowerCase()}:${u.datasetVersion.dataset.name}@${u.datasetVersion.version}`).join(' ') || '-')]);
  rows.push(['signature', 'baseline', ...c.signatureChanges.map((s) => (s.compatible ? 'compatible' : `breaking: ${s.breaking.join('; ')}`))]);
  return table(headers, rows);
}
