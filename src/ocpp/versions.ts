export type OcppVersion = '1.6' | '2.0.1' | '2.1';

const bySubprotocol: Record<string, OcppVersion> = {
  'ocpp1.6': '1.6',
  'ocpp2.0.1': '2.0.1',
  'ocpp2.1': '2.1',
};

export const supportedSubprotocols = Object.keys(bySubprotocol);

export function versionOfSubprotocol(subprotocol: string): OcppVersion | undefined {
  return bySubprotocol[subprotocol];
}

export function subprotocolOf(version: OcppVersion): string {
  return `ocpp${version}`;
}

export function isV2(version: OcppVersion): boolean {
  return version !== '1.6';
}
