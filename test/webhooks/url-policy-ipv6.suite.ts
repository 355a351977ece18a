/**
 * Without LEDGER_WEBHOOK_ALLOW, a webhook may not reach a loopback or private
 * address dressed as IPv6: NAT64, 6to4, IPv4-compatible, IPv4-mapped (either
 * spelling), IPv4-translated and site-local forms are judged by what they
 * reach. A public IPv4 address in the same dress stays allowed.
 */
import { describe, expect, it } from '@jest/globals';
import { AllowList, isInternalAddress, targetProblem } from '../../src/webhooks/url-policy.js';

describe('webhooks/url-policy-ipv6', () => {
  const none = AllowList.parse('');

  it('refuses loopback and private IPv4 behind IPv6 forms, and deprecated local ranges', async () => {
    for (const host of [
      '[64:ff9b::7f00:1]',
      '[64:ff9b::10.0.0.1]',
      '[2002:7f00:1::]',
      '[2002:c0a8:101::1]',
      '[::127.0.0.1]',
      '[::ffff:0:7f00:1]',
      '[::ffff:127.0.0.1]',
      '[::ffff:7f00:1]',
      '[::ffff:a00:1]',
      '[fec0::1]',
      '[::1]',
      '[::]',
      '[64:ff9b:1::a00:1]',
    ])
      expect([host, await targetProblem(`http://${host}/hook`, none)]).toEqual([
        host,
        expect.stringMatching(/an internal address; allow it with LEDGER_WEBHOOK_ALLOW$/),
      ]);
  });

  it('allows a public IPv4 address in those forms, and public IPv6', async () => {
    for (const host of ['[64:ff9b::808:808]', '[2002:808:808::1]', '[::ffff:808:808]', '[2606:4700:4700::1111]'])
      expect([host, await targetProblem(`http://${host}/hook`, none)]).toEqual([host, undefined]);
  });

  it('LEDGER_WEBHOOK_ALLOW opens an IPv4 range to its IPv6 forms too', () => {
    const allow = AllowList.parse('127.0.0.0/8');
    expect(isInternalAddress('64:ff9b::7f00:1')).toBe(true);
    expect(allow.allows('x', '64:ff9b::7f00:1')).toBe(true);
    expect(allow.allows('x', '::ffff:7f00:1')).toBe(true);
    expect(allow.allows('x', '2002:a00:1::')).toBe(false);
  });
});
