// A live countdown from the engine's `secondsLeft`: the engine reports it with each progress event;
// between events the screen counts down by itself, and each new report resets the deadline.
import { computed, ref, type ComputedRef } from 'vue';

/** How often the countdown redraws while it runs. */
export const COUNTDOWN_TICK_MS = 250;

export interface Countdown {
  secondsLeft: ComputedRef<number | null>;
  /** A new report from the engine: seconds left, or null when it no longer waits. */
  set(secondsLeft: number | null): void;
}

export function useCountdown(now: () => number = Date.now): Countdown {
  const deadlineAtMs = ref<number | null>(null);
  const nowMs = ref(now());
  let timer: ReturnType<typeof setInterval> | null = null;

  function set(secondsLeft: number | null): void {
    nowMs.value = now();
    deadlineAtMs.value = secondsLeft === null ? null : nowMs.value + secondsLeft * 1000;
    if (deadlineAtMs.value !== null && !timer) {
      timer = setInterval(() => {
        nowMs.value = now();
        if (deadlineAtMs.value === null || nowMs.value >= deadlineAtMs.value) stop();
      }, COUNTDOWN_TICK_MS);
    } else if (deadlineAtMs.value === null) stop();
  }

  function stop(): void {
    if (timer) clearInterval(timer);
    timer = null;
  }

  const secondsLeft = computed(() => (deadlineAtMs.value === null ? null : Math.max(0, Math.ceil((deadlineAtMs.value - nowMs.value) / 1000))));
  return { secondsLeft, set };
}
