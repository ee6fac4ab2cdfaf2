/**
 * What a Telegram update must look like for the parts the helpline reads. A body that
 * is JSON but not this is refused with 400: answering 5xx would make Telegram deliver a
 * malformed update again and again. Fields we do not read are let through untouched.
 */
import { z } from "zod";

const chat = z
  .object({ id: z.number().int(), type: z.enum(["private", "group", "supergroup", "channel"]) })
  .loose();
const user = z
  .object({
    id: z.number().int(),
    is_bot: z.boolean(),
    language_code: z.string().max(35).optional(),
  })
  .loose();
const entity = z
  .object({ type: z.string(), offset: z.number().int().min(0), length: z.number().int().min(0) })
  .loose();

const message = z
  .object({
    message_id: z.number().int(),
    date: z.number().int(),
    chat,
    from: user.optional(),
    text: z.string().optional(),
    entities: z.array(entity).optional(),
    location: z
      .object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) })
      .loose()
      .optional(),
    contact: z.object({ phone_number: z.string() }).loose().optional(),
    message_thread_id: z.number().int().optional(),
    is_topic_message: z.boolean().optional(),
  })
  .loose();

const callbackQuery = z
  .object({
    id: z.string(),
    from: user,
    data: z.string().optional(),
    message: z.object({ message_id: z.number().int(), chat }).loose().optional(),
  })
  .loose();

const chatMember = z
  .object({ chat, new_chat_member: z.object({ status: z.string() }).loose() })
  .loose();

/** An update: its id and at least one object; the kinds we read are checked in depth. */
export const telegramUpdateSchema = z
  .object({
    update_id: z.number().int().nonnegative(),
    message: message.optional(),
    edited_message: message.optional(),
    callback_query: callbackQuery.optional(),
    my_chat_member: chatMember.optional(),
  })
  .loose()
  .refine((u) => Object.keys(u).length > 1, "an update carries one object besides update_id");

/** An update that is not what Telegram sends: refused, never retried, nothing kept. */
export class MalformedUpdate extends Error {
  override readonly name = "MalformedUpdate";
  constructor(
    /** Where it went wrong (a path and zod's code, never a value: it may be a message). */
    readonly problem: string,
  ) {
    super(`not a Telegram update (${problem})`);
  }
}

/** Why `update` is not one we can read (a path and zod's code), or undefined when it is. */
export function updateProblem(update: unknown): string | undefined {
  const parsed = telegramUpdateSchema.safeParse(update);
  if (parsed.success) return undefined;
  const first = parsed.error.issues[0];
  return first ? `${first.path.join(".") || "(update)"}: ${first.code}` : "?";
}

/** Check `update`; throws {@link MalformedUpdate} when it is not one we can read. */
export function checkUpdate(update: unknown): void {
  const problem = updateProblem(update);
  if (problem !== undefined) throw new MalformedUpdate(problem);
}
