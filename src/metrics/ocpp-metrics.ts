import type { LoggedFrame } from '../ocpp/rpc/connection.ts';
import { Histogram, type MetricsText } from './registry.ts';

const MESSAGE_TYPES: readonly LoggedFrame['messageType'][] = ['CALL', 'CALLRESULT', 'CALLERROR', 'SEND', 'CALLRESULTERROR', 'INVALID'];
const TYPE_COUNT = MESSAGE_TYPES.length;

/** Seconds from a station's CALL arriving to our answer being written. */
export const CALL_DURATION_BOUNDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

// Action names come from the stations; a station inventing names must not grow memory without bound.
const MAX_ACTIONS = 200;
const OTHER = '(other)';
const NONE = '(none)';

function typeIndex(type: LoggedFrame['messageType']): number {
  switch (type) {
    case 'CALL':
      return 0;
    case 'CALLRESULT':
      return 1;
    case 'CALLERROR':
      return 2;
    case 'SEND':
      return 3;
    case 'CALLRESULTERROR':
      return 4;
    default:
      return 5;
  }
}

/**
 * OCPP traffic counters by direction, message type and action, and the time taken to answer stations'
 * CALLs, by action. Fed from every frame of every connection; per frame it costs a map lookup and an increment.
 */
export class OcppMetrics {
  /** Per action: received counts by message type, then sent counts. */
  private readonly messages = new Map<string, Float64Array>();
  private readonly callDurations = new Map<string, Histogram>();

  /** A frame observer for one connection (it pairs each incoming CALL with our answer to time it). */
  observer(): (frame: LoggedFrame) => void {
    let answering: string | null = null;
    let answeringAction = '';
    let since = 0;
    return (frame) => {
      this.count(frame);
      if (frame.direction === 'in') {
        if (frame.messageType === 'CALL') {
          // OCPP allows one CALL at a time per direction; a station that sends the next one early is timed
          // from that one's arrival.
          answering = frame.messageId;
          answeringAction = frame.action ?? NONE;
          since = performance.now();
        }
      } else if (answering !== null && frame.messageId === answering && (frame.messageType === 'CALLRESULT' || frame.messageType === 'CALLERROR')) {
        answering = null;
        this.durationOf(answeringAction).observe((performance.now() - since) / 1000);
      }
    };
  }

  private count(frame: LoggedFrame): void {
    const action = frame.action ?? NONE;
    let counts = this.messages.get(action);
    if (!counts) {
      const key = this.messages.size < MAX_ACTIONS ? action : OTHER;
      counts = this.messages.get(key) ?? new Float64Array(TYPE_COUNT * 2);
      this.messages.set(key, counts);
    }
    counts[(frame.direction === 'in' ? 0 : TYPE_COUNT) + typeIndex(frame.messageType)]! += 1;
  }

  private durationOf(action: string): Histogram {
    let histogram = this.callDurations.get(action);
    if (!histogram) {
      const key = this.callDurations.size < MAX_ACTIONS ? action : OTHER;
      histogram = this.callDurations.get(key) ?? new Histogram(CALL_DURATION_BOUNDS);
      this.callDurations.set(key, histogram);
    }
    return histogram;
  }

  write(text: MetricsText): void {
    for (const [offset, name, help] of [
      [0, 'ampyard_ocpp_messages_received_total', 'OCPP-J frames received from stations, by action and message type'],
      [TYPE_COUNT, 'ampyard_ocpp_messages_sent_total', 'OCPP-J frames sent to stations, by action and message type'],
    ] as const) {
      text.family(name, 'counter', help);
      for (const [action, counts] of this.messages) {
        for (let i = 0; i < TYPE_COUNT; i++) {
          const value = counts[offset + i]!;
          if (value > 0) text.sample(name, value, { action, type: MESSAGE_TYPES[i]! });
        }
      }
    }
    text.family('ampyard_ocpp_call_duration_seconds', 'histogram', 'Time from a station\'s CALL arriving to Ampyard\'s answer being sent, by action');
    for (const [action, histogram] of this.callDurations) histogram.write(text, 'ampyard_ocpp_call_duration_seconds', { action });
  }
}
