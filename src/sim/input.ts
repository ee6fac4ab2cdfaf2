/**
 * Reading what someone types into the simulator as the inbound a channel would send.
 */
import type { Effect, Inbound } from "../engine/types.js";

type Reply = Extract<Effect, { type: "reply" }>;

/** What the simulator shows a person: `/loc`, `/tap`... */
export const SIM_HELP =
  "Type as the person would. A number answers a button question. " +
  "/tap N taps button N, /loc LAT LON shares a location, /contact +62... shares a number, " +
  "/photo sends a picture, /start [link] opens a new conversation, /help /language /human " +
  "/erase /menu /stop are the bot's commands, /quit leaves.";

/**
 * The inbound for a typed line, given the last question asked (for button numbers).
 * Returns undefined for an unknown simulator command.
 */
export function parseLine(line: string, lastQuestion: Reply | undefined): Inbound | undefined {
  const trimmed = line.trim();
  const [command, ...args] = trimmed.split(/\s+/);
  const buttons = lastQuestion?.buttons ?? [];
  const tap = (n: number): Inbound | undefined => {
    const b = buttons[n - 1];
    return b && lastQuestion?.stepRef
      ? { kind: "choice", stepRef: lastQuestion.stepRef, option: b.id }
      : undefined;
  };
  switch (command) {
    case "/loc": {
      const [lat, lon] = args.map(Number);
      if (lat === undefined || lon === undefined || Number.isNaN(lat) || Number.isNaN(lon))
        return undefined;
      return { kind: "location", lat, lon };
    }
    case "/tap":
      return tap(Number(args[0]));
    case "/contact":
      return args.length > 0 ? { kind: "contact", phone: args.join(" ") } : undefined;
    case "/photo":
      return { kind: "media", media: "photo" };
    case "/start":
      return args[0] ? { kind: "start", payload: args[0] } : { kind: "start" };
    case "/help":
    case "/language":
    case "/human":
    case "/erase":
    case "/menu":
    case "/stop":
    case "/exit":
    case "/privacy":
    case "/checkin":
      // As Telegram delivers them: commands, not words to match.
      return { kind: "command", name: command.slice(1) };
  }
  // A place question's buttons ("I don't know", "Poipet, right?") are tapped by number too;
  // only a question that wants typing keeps a typed number as text (an age, a count).
  if (lastQuestion && lastQuestion.expects !== "text" && /^\d{1,2}$/.test(trimmed)) {
    const tapped = tap(Number(trimmed));
    if (tapped) return tapped;
  }
  return { kind: "text", text: line };
}
