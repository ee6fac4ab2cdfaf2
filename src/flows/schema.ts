/**
 * The shape of the conversation files in `flows/`. Staff edit these files; this schema
 * is the first of two checks run at start-up (the second, in `validate.ts`, checks that
 * references between steps, texts and the directory resolve).
 *
 * Exported as JSON Schema to `flows/schema.json` so editors can autocomplete.
 */
import { z } from "zod";

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, "use lowercase letters, digits and _ (e.g. `last_place`)");

/** A step in this flow (`place`), another flow's start (`@family`) or step (`@help.place`). */
export const targetSchema = z
  .string()
  .regex(
    /^(@[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?|[a-z][a-z0-9_]*)$/,
    "a step id (`place`), another flow (`@family`) or a step in another flow (`@help.place`)",
  )
  .describe("Where to go next: `step`, `@flow` or `@flow.step`.");

/** A text in `locales/<lng>/<namespace>.json`, written `namespace:path.to.key`. */
export const textKeySchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]*:[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/,
    "a text key `namespace:path.to.key`, e.g. `help:safety.question`",
  )
  .describe("A text key `namespace:path.to.key` found in every locale.");

const answerValue = z.union([z.string(), z.number(), z.boolean()]);

const setSchema = z
  .record(identifier, answerValue)
  .describe("Answers to record when this happens, e.g. `{ safety: danger }`.");

const reasonSchema = identifier.describe(
  "A triage reason (listed under `triage.reasons` in global.yaml), e.g. `immediate_danger`.",
);

const safetySettingsSchema = z
  .object({
    discreet: z.boolean().describe("Delete messages after a while; neutral previews."),
    delete_after_minutes: z.number().int().min(1).max(2880),
    silent: z.boolean().describe("Send without a notification sound."),
  })
  .partial()
  .strict()
  .describe("The person's safety settings this option changes.");

const optionSchema = z
  .object({
    id: identifier.describe("Stable id of the option; what a button tap carries."),
    text: textKeySchema.describe(
      "Key of the option. `<key>.label` is the button; `<key>.synonyms` (optional list) are words that also mean it.",
    ),
    next: targetSchema,
    set: setSchema.optional(),
    flag: reasonSchema.optional(),
    safety: safetySettingsSchema.optional(),
    facts: z
      .array(identifier)
      .optional()
      .describe(
        "Facts (from `understanding.json`) that choose this option without asking, when the person already said them, e.g. `[passport_held]`.",
      ),
    intent: identifier
      .optional()
      .describe("An intent (from `understanding.json`) that chooses this option, e.g. `family`."),
    country: z
      .union([z.string().regex(/^[A-Z]{2}$/, "an ISO country code such as KH"), z.literal("other")])
      .optional()
      .describe(
        "Where the person is, for a country question: `KH` records Cambodia (the mission follows); `other` takes any typed place the listed countries do not cover, or none (the national channels follow).",
      ),
  })
  .strict();

/** Which block of directory facts to show: `mission`, `local_emergency` or `contact:<id>`. */
const blockSchema = z
  .string()
  .regex(
    /^(mission|mission_address|local_emergency|national|contact:[a-z0-9_.]+)$/,
    "`mission`, `mission_address`, `local_emergency`, `national` or `contact:<contact id>`",
  );

const sayStep = z
  .object({
    kind: z.literal("say"),
    text: z.union([textKeySchema, z.array(textKeySchema).min(1)]),
    show: z.array(blockSchema).optional().describe("Directory facts to append, in order."),
    next: targetSchema,
  })
  .strict()
  .describe("Say something, then go on at once.");

const choiceStep = z
  .object({
    kind: z.literal("choice"),
    text: textKeySchema,
    options: z.array(optionSchema).min(1).max(10),
    save: identifier.optional().describe("Record the chosen option's id under this name."),
    detail: identifier
      .optional()
      .describe(
        "When a typed answer says more than the option (`luka di kepala`), keep the words under this name; a later `ask` saving the same name is then not asked.",
      ),
  })
  .strict()
  .describe(
    "Ask a question with buttons; a tap, the option's number or the person's own words answer it.",
  );

const askStep = z
  .object({
    kind: z.literal("ask"),
    text: textKeySchema,
    save: identifier,
    format: z.enum(["text", "number", "phone"]).default("text"),
    min: z.number().int().optional(),
    max: z.number().int().optional(),
    max_length: z.number().int().min(1).max(500).default(200),
    optional: z.boolean().default(false).describe("Offer a Skip button."),
    personal: z
      .boolean()
      .default(false)
      .describe("The answer identifies a person: encrypted at rest, never logged."),
    request: z.enum(["contact"]).optional().describe("Offer the channel's share-my-number button."),
    flag: reasonSchema.optional().describe("Reason recorded whenever this is answered."),
    next: targetSchema,
  })
  .strict()
  .describe("Ask for a typed answer.");

const placeStep = z
  .object({
    kind: z.literal("place"),
    text: textKeySchema,
    next: targetSchema,
    unknown: targetSchema
      .optional()
      .describe(
        "Where to go when the person does not know, or after two typed places we could not find (a question with country buttons, so that nobody is left without a mission). Omit to keep the typed words and go on.",
      ),
  })
  .strict()
  .describe("Ask where someone is: a shared pin or a typed place name.");

const languageStep = z
  .object({
    kind: z.literal("language"),
    text: textKeySchema,
    next: targetSchema,
    sos: targetSchema.optional().describe("Where an 'I need help now' tap goes."),
  })
  .strict()
  .describe("Ask which language to use; skipped when the language is already known.");

const escalateStep = z
  .object({
    kind: z.literal("escalate"),
    text: textKeySchema.optional(),
    flag: reasonSchema.optional(),
    next: targetSchema.optional().describe("Go on after escalating; omit to end in a handoff."),
  })
  .strict()
  .describe("Hand the conversation to operators with its priority and reasons.");

const reportStep = z
  .object({
    kind: z.literal("report"),
    text: textKeySchema.optional(),
    fields: z.array(identifier).min(1),
    next: targetSchema,
  })
  .strict()
  .describe("File a missing-person report with the listed answers.");

const conditionSchema = z
  .record(z.string(), z.union([answerValue, z.array(answerValue)]))
  .describe("Every listed answer must equal the value (or one of the values). `country` is known.");

const branchStep = z
  .object({
    kind: z.literal("branch"),
    when: z.array(z.object({ if: conditionSchema, next: targetSchema }).strict()).min(1),
    else: targetSchema,
  })
  .strict()
  .describe("Go to the first target whose condition holds.");

const endStep = z
  .object({
    kind: z.literal("end"),
    text: textKeySchema.optional(),
    handoff: z.boolean().default(false).describe("The person now waits for an operator."),
  })
  .strict()
  .describe("End the flow. The next message opens the menu.");

const eraseStep = z
  .object({
    kind: z.literal("erase"),
    text: textKeySchema,
  })
  .strict()
  .describe("Delete everything held about the person, then say `text`.");

const secretWordStep = z
  .object({
    kind: z.literal("secret_word"),
    text: textKeySchema,
    word: z
      .enum(["exit", "duress", "keep"])
      .describe(
        "exit: wipes the chat; duress: flags P1 quietly; keep: confirms the case code from another account (kept only as a hash).",
      ),
    next: targetSchema,
  })
  .strict()
  .describe("Ask the person for their own quick-exit, duress or case-code word.");

const checkinStep = z
  .object({
    kind: z.literal("checkin"),
    text: textKeySchema.describe(
      "Said once the check-in is set; may use {{hours}} and {{minutes}}.",
    ),
    in: identifier.describe("Answer holding minutes until the check-in."),
    window: identifier.describe("Answer holding minutes to wait for a reply before alerting."),
    next: targetSchema,
  })
  .strict()
  .describe(
    "Set a check-in: the bot writes at that time; no answer in time alerts operators (P1).",
  );

const codeStep = z
  .object({
    kind: z.literal("code"),
    text: textKeySchema.describe("Shows the person's case code: use {{code}}."),
    none: textKeySchema.describe("Said when the person has no case code yet."),
    next: targetSchema,
  })
  .strict()
  .describe("Show the person their case code again (asked for from the same account).");

const reattachStep = z
  .object({
    kind: z.literal("reattach"),
    answer: identifier.describe("Answer holding the word typed with the code (not kept)."),
    next: targetSchema,
  })
  .strict()
  .describe(
    "Check a typed case code and its word; operators then confirm it is the person before the case moves.",
  );

export const stepSchema = z.discriminatedUnion("kind", [
  sayStep,
  choiceStep,
  askStep,
  placeStep,
  languageStep,
  escalateStep,
  reportStep,
  branchStep,
  endStep,
  eraseStep,
  secretWordStep,
  checkinStep,
  reattachStep,
  codeStep,
]);

export const flowSchema = z
  .object({
    $schema: z.string().optional(),
    id: identifier,
    description: z.string().optional(),
    start: identifier,
    steps: z.record(identifier, stepSchema),
  })
  .strict();

const prioritySchema = z.enum(["P1", "P2", "P3"]);

/** `flows/global.yaml`: what holds across every flow. */
export const globalSchema = z
  .object({
    $schema: z.string().optional(),
    start: targetSchema.describe("Where a new conversation begins."),
    menu: targetSchema.describe("Where the menu word and a returning person go."),
    about: targetSchema.describe("Where the /help command goes: what the helpline does."),
    start_payloads: z
      .record(identifier, targetSchema)
      .default({})
      .describe("Deep links: `/start family` opens the target."),
    commands: z
      .record(identifier, targetSchema)
      .default({})
      .describe("Channel commands that open a flow: `/privacy` -> `@privacy`."),
    reattach: targetSchema.describe("Where a typed case code goes (from a new account)."),
    safety: z
      .object({
        not_discreet_in: z
          .array(identifier)
          .default([])
          .describe("Flows where messages are kept (families reporting a relative)."),
        max_messages_per_minute: z
          .number()
          .int()
          .positive()
          .default(20)
          .describe(
            "Beyond this a person is asked kindly to slow down (emergency words still work).",
          ),
        max_message_chars: z
          .number()
          .int()
          .min(100)
          .max(4096)
          .default(500)
          .describe(
            "The longest message a person gets, measured on what is sent (directory contacts included), in every language: the content check refuses longer ones. Split the step instead.",
          ),
      })
      .strict()
      .default({ not_discreet_in: [], max_messages_per_minute: 20, max_message_chars: 500 }),
    triage: z
      .object({
        default: prioritySchema,
        reasons: z
          .record(identifier, prioritySchema)
          .describe(
            "Each reason's priority. Facts of `understanding.json` named here are raised from anything a person types; P1 facts mean danger now.",
          ),
      })
      .strict(),
    understanding: z
      .object({
        routes: z
          .record(identifier, targetSchema)
          .default({})
          .describe(
            "Where a message goes by its intent when no question is open (the first message too): `family: '@family'`.",
          ),
        facts_mean: z
          .record(identifier, identifier)
          .default({})
          .describe(
            "Facts that say what a message wants when its words do not: `got_out: gotout`.",
          ),
        min_intent_score: z
          .number()
          .min(0)
          .max(1)
          .default(0.5)
          .describe("How far ahead of the others (0 to 1) an intent must be to be acted on."),
        min_intent_strength: z
          .number()
          .min(0)
          .max(2)
          .default(0.3)
          .describe(
            "How strongly (about 1 for a training phrase) the message must resemble its intent.",
          ),
        about_someone_else_in: z
          .array(identifier)
          .default([])
          .describe(
            "Flows where danger words describe someone else (a missing relative): they raise the report's priority and the person stays in the flow.",
          ),
        someone_else_when: z
          .array(identifier)
          .default([])
          .describe(
            "Intents or facts that, in a message opening a conversation, mean the writer speaks of someone else (`family`, `reporter_parent`).",
          ),
        someone_else_flag: reasonSchema
          .optional()
          .describe("The reason raised there, e.g. `relative_in_danger`."),
        danger_check: targetSchema.describe(
          "Where to ask, once, when it is unclear whether the person is in danger.",
        ),
        answers: z
          .record(identifier, textKeySchema)
          .default({})
          .describe(
            "Questions answered wherever they are asked, by intent: `question_cost: answers:cost`.",
          ),
        home_country: z
          .string()
          .regex(/^[A-Z]{2}$/)
          .optional()
          .describe("A country named in passing that is home, not where the person is: `ID`."),
      })
      .strict(),
    intents: z
      .object({
        emergency: z
          .object({
            flag: reasonSchema,
            set: setSchema.optional(),
            next: targetSchema,
            resume_in: z.array(identifier).default([]),
          })
          .strict(),
        human: z.object({ flag: reasonSchema }).strict(),
        erase: z.object({ next: targetSchema }).strict(),
        language: z.object({ next: targetSchema }).strict(),
      })
      .strict(),
  })
  .strict();

export type FlowFile = z.infer<typeof flowSchema>;
export type StepDef = z.infer<typeof stepSchema>;
export type OptionDef = z.infer<typeof optionSchema>;
export type GlobalFile = z.infer<typeof globalSchema>;
export type Condition = z.infer<typeof conditionSchema>;
