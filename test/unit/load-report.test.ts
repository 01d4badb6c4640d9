import { expect } from 'chai';
import { renderHtml } from '../../load/report-html.ts';
import type { Sample } from '../../load/run.ts';

describe('load test report page', () => {
  const timeline: Sample[] = [0, 1, 2].map((t) => ({
    t, open: t * 100, sendsPerS: 10, deliveriesPerS: 9, errors: 0, latencyP50: t ? 12 : null, latencyMax: t ? 40 : null,
    processes: [{ role: 'realtime', pid: 42, rssMiB: 100 + t, cpuPercent: 5 }],
  }));

  it('stands alone: inline SVG charts, no scripts or outside resources', () => {
    const html = renderHtml({ scenario: '15k-idle', sockets_open_at_end: 200 }, timeline);
    expect(html.match(/<svg /g)).to.have.length(4);
    expect(html).to.include('<polyline');
    expect(html).to.include('realtime 42');
    expect(html).not.to.match(/<script|src=|href=/);
  });

  it('escapes what it shows', () => {
    const html = renderHtml({ scenario: '<b>x</b>', command: 'a && b' }, []);
    expect(html).to.include('&lt;b&gt;x&lt;/b&gt;');
    expect(html).to.include('a &amp;&amp; b');
    expect(html).to.include('No data.');
  });
});
