/** What the baseline and reference servers answer: each CALL gets a minimal schema-valid CALLRESULT. */

export const SUBPROTOCOLS = ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'];
let nextTransactionId = 1;

/** A minimal schema-valid CALLRESULT payload for a station's CALL. */
export function minimalAnswer(version: string, action: string): Record<string, unknown> {
  switch (action) {
    case 'BootNotification':
      return { status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 };
    case 'Heartbeat':
      return { currentTime: new Date().toISOString() };
    case 'Authorize':
      return version === 'ocpp1.6' ? { idTagInfo: { status: 'Accepted' } } : { idTokenInfo: { status: 'Accepted' } };
    case 'StartTransaction':
      return { transactionId: nextTransactionId++, idTagInfo: { status: 'Accepted' } };
    case 'DataTransfer':
      return { status: 'Accepted' };
    default:
      // StatusNotification, MeterValues, StopTransaction, TransactionEvent and the notifications: an empty answer is valid.
      return {};
  }
}
