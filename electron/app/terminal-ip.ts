// The till's IP as the gateway wants it in spbill_create_ip / client_ip: a configured one wins
// (Settings → terminalIp, validated by the settings schema); otherwise the first non-internal IPv4
// of this PC's network interfaces; 127.0.0.1 when there is none (an offline till).
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { checkMerchantId } from '../../shared/merchant-ids.js';

export const FALLBACK_TERMINAL_IP = '127.0.0.1';

export type InterfaceTable = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** The first non-internal IPv4 address of the table, in the order the OS lists interfaces. */
export function firstLanIpv4(table: InterfaceTable): string | null {
  for (const list of Object.values(table)) {
    for (const info of list ?? []) {
      // Node ≥18.4 says 'IPv4'; 18.0–18.3 said 4.
      const v4 = info.family === 'IPv4' || (info.family as unknown) === 4;
      if (v4 && !info.internal && checkMerchantId('terminalIp', info.address) === null) return info.address;
    }
  }
  return null;
}

export function terminalIpFor(configured: string, table: InterfaceTable = networkInterfaces()): { ip: string; source: 'configured' | 'lan' | 'fallback' } {
  if (configured !== '') {
    const bad = checkMerchantId('terminalIp', configured);
    if (bad) throw new Error(bad);
    return { ip: configured, source: 'configured' };
  }
  const lan = firstLanIpv4(table);
  return lan ? { ip: lan, source: 'lan' } : { ip: FALLBACK_TERMINAL_IP, source: 'fallback' };
}
