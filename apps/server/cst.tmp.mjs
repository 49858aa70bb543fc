import { parser } from '@prometheus-io/lezer-promql';
for (const q of process.argv.slice(2)) {
  const t = parser.parse(q);
  let out = '';
  t.cursor().iterate(n => { out += ' '.repeat(0) + '(' + n.name + (n.node.firstChild ? '' : `"${q.slice(n.from,n.to)}"`); }, () => { out += ')'; });
  console.log(q, '\n  ', out);
}
