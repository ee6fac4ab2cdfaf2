/**
 * Reunite's matches in the operators' group: a line in each case's topic saying what
 * became of a match, with its reasons, and the buttons operators act with (link, dismiss,
 * ask the person, tell the family). A button carries `m|<action>|<case>|<other case>`,
 * within Telegram's 64 bytes.
 */
import type { InlineKeyboardMarkup } from "grammy/types";
import type { Case } from "../../cases/model.js";
import { MAX_CALLBACK_BYTES } from "../../channels/telegram/callback-data.js";
import { escapeHtml } from "../../channels/telegram/render.js";
import type { MatchReason } from "../../reunite/score.js";
import type { MatchBoard, MatchEvent } from "../../reunite/service.js";
import type { Match } from "../../reunite/store.js";
import type { TelegramOperatorBoard } from "./board.js";

export const MATCH_ACTIONS = ["link", "dismiss", "ask", "tell"] as const;
export type MatchAction = (typeof MATCH_ACTIONS)[number];

/** A decoded tap on a match's button. */
export interface MatchTap {
  action: MatchAction;
  caseId: string;
  other: string;
}

/** `m|link|7QX9M-2PAKD|4HTR2-9PLMC` @throws when it would not fit Telegram's 64 bytes */
export function encodeMatchTap(action: MatchAction, caseId: string, other: string): string {
  const data = `m|${action}|${caseId}|${other}`;
  if (Buffer.byteLength(data) > MAX_CALLBACK_BYTES)
    throw new Error(`match callback data for case ${caseId} is over ${MAX_CALLBACK_BYTES} bytes`);
  return data;
}

const TAP = /^m\|([a-z]+)\|([A-Za-z0-9_-]{1,40})\|([A-Za-z0-9_-]{1,40})$/;

/** The tap, or undefined for data that is not a match's. */
export function decodeMatchTap(data: string | undefined): MatchTap | undefined {
  const m = TAP.exec(data ?? "");
  const action = MATCH_ACTIONS.find((a) => a === m?.[1]);
  return m && action ? { action, caseId: m[2] as string, other: m[3] as string } : undefined;
}

/** See the file comment. */
export class TelegramMatchBoard implements MatchBoard {
  constructor(readonly board: TelegramOperatorBoard) {}

  async matchChanged(c: Case, other: Case, match: Match, event: MatchEvent): Promise<void> {
    const view = this.board.view;
    const vars = {
      other: other.id,
      kind: view.t(`kind.${other.kind}`),
      score: Math.round(match.score * 100),
      reasons: match.reasons.map((r) => this.reason(r)).join(", "),
      who: view.who(match.by),
    };
    const line = `🔗 ${escapeHtml(view.t(`match.${event}`, vars))}`;
    await this.board.line(c, line, this.buttons(c, other, match, event));
  }

  /** A reason in the operators' words. */
  reason(r: MatchReason): string {
    const t = (k: string, v?: Record<string, string | number>) => this.board.view.t(k, v);
    if (r.kind === "name")
      return t(`match.reason.name_${r.detail}`) + (r.common ? t("match.reason.common") : "");
    if (r.kind === "age") return t("match.reason.age", { count: r.detail });
    return t(`match.reason.${r.kind}`);
  }

  /** What operators may do next on this case's side of the match. */
  buttons(c: Case, other: Case, match: Match, event: MatchEvent): InlineKeyboardMarkup | undefined {
    const t = (k: string) => this.board.view.t(`match.button.${k}`);
    const button = (a: MatchAction) => ({
      text: t(a),
      callback_data: encodeMatchTap(a, c.id, other.id),
    });
    if (event === "suggested") return { inline_keyboard: [[button("link"), button("dismiss")]] };
    const pair = c.kind !== other.kind;
    if (event === "linked" && pair && c.kind === "help")
      return { inline_keyboard: [[button("ask")]] };
    if (event === "consent_yes" && c.kind === "family" && match.familyToldAt === undefined)
      return { inline_keyboard: [[button("tell")]] };
    return undefined;
  }
}
