/**
 * The WhatsApp settings: off unless configured, the four credentials together, defaults
 * (Graph root, pinned version, 80 messages a second), and messages that name the variable
 * and what it must be.
 */
import { describe, expect, it } from "vitest";
import { GRAPH_API_VERSION } from "../../src/channels/whatsapp/graph.js";
import { createConfig } from "../../src/config.js";

const WA = {
  WHATSAPP_PHONE_NUMBER_ID: "106540352242922",
  WHATSAPP_ACCESS_TOKEN: `EAAJB${"x".repeat(40)}`,
  WHATSAPP_APP_SECRET: "0123456789abcdef0123456789abcdef",
  WHATSAPP_VERIFY_TOKEN: "verify-token-0123456789",
};

describe("WhatsApp configuration", () => {
  it("is off when nothing is set", () => {
    expect(createConfig({}).whatsapp).toBeUndefined();
  });

  it("reads the credentials with the defaults", () => {
    expect(createConfig(WA).whatsapp).toEqual({
      phoneNumberId: WA.WHATSAPP_PHONE_NUMBER_ID,
      accessToken: WA.WHATSAPP_ACCESS_TOKEN,
      appSecret: WA.WHATSAPP_APP_SECRET,
      verifyToken: WA.WHATSAPP_VERIFY_TOKEN,
      apiRoot: "https://graph.facebook.com",
      apiVersion: GRAPH_API_VERSION,
      messagesPerSecond: 80,
      template: undefined,
      replayWindowMs: 10 * 60_000,
    });
  });

  it("takes a template, a version, a rate and another root", () => {
    const wa = createConfig({
      ...WA,
      WHATSAPP_TEMPLATE_NAME: "pulang_pesan_baru",
      WHATSAPP_TEMPLATE_LANGUAGE: "en_US",
      WHATSAPP_API_VERSION: "v25.0",
      WHATSAPP_MESSAGES_PER_SECOND: "40",
      WHATSAPP_API_ROOT: "http://127.0.0.1:9999/",
    }).whatsapp;
    expect(wa).toMatchObject({
      template: { name: "pulang_pesan_baru", language: "en_US" },
      apiVersion: "v25.0",
      messagesPerSecond: 40,
      apiRoot: "http://127.0.0.1:9999",
    });
  });

  it("names every missing credential when only some are set", () => {
    expect(() => createConfig({ WHATSAPP_PHONE_NUMBER_ID: WA.WHATSAPP_PHONE_NUMBER_ID })).toThrow(
      /WHATSAPP_ACCESS_TOKEN: required[\s\S]*WHATSAPP_APP_SECRET: required[\s\S]*WHATSAPP_VERIFY_TOKEN: required/,
    );
    expect(() => createConfig({ WHATSAPP_TEMPLATE_NAME: "x" })).toThrow(/WHATSAPP_TEMPLATE_NAME/);
  });

  it("says what each value must be", () => {
    const bad = (env: Record<string, string>, message: RegExp) =>
      expect(() => createConfig({ ...WA, ...env })).toThrow(message);
    bad({ WHATSAPP_PHONE_NUMBER_ID: "+62 812" }, /WHATSAPP_PHONE_NUMBER_ID: the phone number ID/);
    bad({ WHATSAPP_VERIFY_TOKEN: "short" }, /WHATSAPP_VERIFY_TOKEN: 16-256 characters/);
    bad({ WHATSAPP_APP_SECRET: "not a secret!" }, /WHATSAPP_APP_SECRET: the app secret/);
    bad({ WHATSAPP_API_VERSION: "21" }, /WHATSAPP_API_VERSION: a Graph API version/);
    bad(
      { WHATSAPP_TEMPLATE_NAME: "Pesan Baru" },
      /WHATSAPP_TEMPLATE_NAME: the name of an approved/,
    );
    bad({ WHATSAPP_MESSAGES_PER_SECOND: "0" }, /WHATSAPP_MESSAGES_PER_SECOND/);
  });
});
