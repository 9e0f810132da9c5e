// Handlers of the app.* and settings.* channels. Each room has a file like this one, exporting a
// function from the Runtime to its part of the handler table.
import type { PartialHandlers } from '../types.js';
import type { Runtime } from '../../app/runtime.js';
import { PosError } from '../../../shared/ipc/errors.js';
import type { SettingsView } from '../../../shared/ipc/contract.js';

export function settingsView(rt: Runtime): SettingsView {
  return { values: rt.settings.get(), hasSecret: rt.settings.hasSecret(), secretStorage: rt.settings.hasSecret() ? rt.settings.secrets.kind : 'none' };
}

export function appHandlers(rt: Runtime): PartialHandlers {
  return {
    'app.info': () => rt.info(),
    'settings.get': () => settingsView(rt),
    'settings.save': ({ values, managerPin }) => {
      rt.pin.check(managerPin);
      const { newManagerPin, ...rest } = values as Record<string, unknown>;
      // Validate everything first; the PIN changes only together with a valid save.
      if (newManagerPin !== undefined && !/^\d{4,8}$/.test(String(newManagerPin))) {
        throw new PosError('invalid_settings', 'newManagerPin: must be 4–8 digits', { issues: [{ path: 'newManagerPin', message: 'newManagerPin: must be 4–8 digits' }] });
      }
      rt.settings.save(rest);
      if (newManagerPin !== undefined) rt.pin.set(String(newManagerPin));
      rt.bus.emit('settings.changed', { hasSecret: rt.settings.hasSecret() });
      return settingsView(rt);
    },
  };
}
