import { describe, expect, it } from 'vitest';
import { DEFAULT_TITLE, defaultText } from './default-templates';
import { FIXED_NOW, resolvedNotification, sampleNotification } from './notification.fixtures';
import { MAX_OUTPUT_CHARS, parseTemplate, renderTemplate, TemplateError, templateScope } from './templates';

const scope = templateScope(sampleNotification());

describe('templateScope', () => {
  it('derives status, group name, common labels and per-alert values', () => {
    expect(scope.status).toBe('firing');
    expect(scope.groupName).toBe('HostDown (prod)');
    expect(scope.commonLabels).toEqual({ alertname: 'HostDown', env: 'prod', severity: 'critical', job: 'node' });
    expect(scope.commonAnnotations).toEqual({ runbook_url: 'https://runbooks.example.com/host-down' });
    expect(scope.firing.map((a) => a.labels.instance)).toEqual(['web-1', 'web-2']);
    expect(scope.resolved[0]).toMatchObject({
      status: 'resolved',
      endsAt: new Date(FIXED_NOW - 60_000).toISOString().replace('.000Z', 'Z'),
    });
    expect(scope.firing[0]!.labelList).toBe('env=prod, instance=web-1, job=node, severity=critical');
    expect(scope.firing[0]!.url).toContain('/alerting/rules/');
    expect(scope.firing[1]!.url).toBe('');
    expect(templateScope(resolvedNotification()).status).toBe('resolved');
  });
});

describe('default templates', () => {
  it('title reads like Alertmanager’s subject', async () => {
    expect(await renderTemplate('title', DEFAULT_TITLE, scope)).toBe('[FIRING:2] HostDown (prod)');
    expect(await renderTemplate('title', DEFAULT_TITLE, templateScope(resolvedNotification()))).toBe('[RESOLVED] HostDown (prod)');
  });

  it('text names the impacted CIs and each alert with its summary, description, labels and runbook', async () => {
    const text = await renderTemplate('text', defaultText('plain'), scope);
    expect(text).toContain('Impacted: Webshop, Payments API');
    expect(text).toContain('Firing (2)');
    expect(text).toContain('🔥 web-1 is down (critical)');
    expect(text).toContain('web-2 has not answered pings for 5 minutes <check cabling & power>.');
    expect(text).toContain('Labels: env=prod, instance=web-1, job=node, severity=critical');
    expect(text).toContain('Runbook: https://runbooks.example.com/host-down');
    expect(text).toContain('Resolved (1)');
    expect(text).toContain('✅ web-3 is down (critical)');
    expect(text).toContain('Acknowledge: https://estate.example.com/a/ack/SIGNED-ACK-TOKEN');
  });

  it('html escapes every value but keeps its own tags', async () => {
    const html = await renderTemplate('text', defaultText('html'), scope, 'html');
    expect(html).toContain('&lt;check cabling &amp; power&gt;');
    expect(html).not.toContain('<check');
    expect(html).toContain('<b>Impacted:</b>');
    expect(html).toContain('<a href="https://runbooks.example.com/host-down">Runbook</a>');
  });

  it('slack escapes only &, < and >', async () => {
    const text = await renderTemplate('text', defaultText('slack'), scope, 'slack');
    expect(text).toContain('&lt;check cabling &amp; power&gt;');
    expect(text).toContain('<https://runbooks.example.com/host-down|Runbook>');
  });
});

describe('template safety and errors', () => {
  it('cannot read files: include, render and layout are refused', () => {
    for (const source of ["{% include '/etc/passwd' %}", "{% render 'x' %}", "{% layout 'x' %}"]) {
      expect(() => parseTemplate('body', source)).toThrow(/not available in notification templates/);
    }
  });

  it('reads only own properties, not prototypes', async () => {
    expect(await renderTemplate('t', '{{ receiver.constructor }}|{{ alerts.constructor.name }}', scope)).toBe('|');
  });

  it('a parse error names the template and the line', () => {
    let error: unknown;
    try {
      parseTemplate('text', 'line one\nline two\n{% if status %}unclosed');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).template).toBe('text');
    expect((error as TemplateError).line).toBe(3);
    expect((error as TemplateError).message).toMatch(/^Template "text" line 3, column \d+: /);
  });

  it('an unknown filter is a parse error on its line', () => {
    expect(() => parseTemplate('title', 'ok\n{{ status | nosuchfilter }}')).toThrow(/Template "title" line 2.*nosuchfilter/);
  });

  it('a render error (here the memory limit) names the template and line', async () => {
    await expect(renderTemplate('body', 'a\n{% for i in (1..100000000) %}{% endfor %}', scope)).rejects.toThrow(
      /Template "body" line 2, column 1: memory alloc limit exceeded/,
    );
  });

  it('output past the size limit is refused', async () => {
    const source = `{% for i in (1..${MAX_OUTPUT_CHARS}) %}xx{% endfor %}`;
    await expect(renderTemplate('body', source, scope)).rejects.toThrow(TemplateError);
  });
});
