/**
 * Ours: the live routing console served at `/ui/` on the classification API listener
 * (docs/console.md). The console costs nothing until a browser opens it; these bound what it may
 * hold and send while one is open.
 */
import { z } from 'zod'

const int = (min: number, max: number) => z.number().int().min(min).max(max)

export const consoleSchema = z.strictObject({
  /** Serve `/ui/` and its data endpoints on the API listener. */
  enabled: z.boolean().default(true),
  /**
   * Put an excerpt of each request's last user message in the decisions view. Off by default:
   * prompts are the users' data; turn it on only where the console's viewers may read them.
   */
  show_prompts: z.boolean().default(false),
  /** Longest prompt excerpt (characters) when show_prompts is on. */
  prompt_chars: int(1, 4_000).default(200),
  /** Consoles that may be open at once; more get 503 `console_busy`. */
  max_subscribers: int(1, 100).default(8),
  /** Unsent stream data allowed per console before it is dropped as too slow (bytes). */
  subscriber_buffer_bytes: int(16 * 1024, 64 * 1024 * 1024).default(1024 * 1024),
  /** Finished requests kept for the decisions table and its detail view. */
  recent_decisions: int(10, 10_000).default(500),
  /** The flow view's window (minutes). */
  flow_window_minutes: int(1, 24 * 60).default(15),
  /** Stream updates at most this often (milliseconds). */
  update_interval_ms: int(100, 10_000).default(500),
  /** Finished requests sent per update at most; the rest are counted, not sent. */
  max_events_per_update: int(1, 1_000).default(50),
  /**
   * Keep listening this long after the last console closed (seconds), so reloading the page keeps
   * the window. After that the router builds no events at all.
   */
  linger_seconds: int(0, 3_600).default(30),
})

export type ConsoleConfig = z.infer<typeof consoleSchema>
