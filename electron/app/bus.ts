// Events from main to the renderer(s), typed by the contract. The Electron shell forwards them to
// its windows, the browser host to its WebSocket clients.
import { EventEmitter } from 'node:events';
import type { EventChannel, EventPayload } from '../../shared/ipc/contract.js';

export type BusListener = <E extends EventChannel>(event: E, payload: EventPayload<E>) => void;

export class EventBus {
  private readonly emitter = new EventEmitter();
  constructor() {
    // Windows and host connections subscribe; a till has a handful at most.
    this.emitter.setMaxListeners(32);
  }
  emit<E extends EventChannel>(event: E, payload: EventPayload<E>): void {
    this.emitter.emit('event', event, payload);
  }
  subscribe(listener: BusListener): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
