/** Topics Intercom documents; anything else is labelled 'other' so metrics stay bounded. */
const KNOWN_TOPIC =
  /^(ping|contact|company|conversation|conversation_part|ticket|visitor|user|event|content_stat|job)(\.[a-z_]+){0,3}$/;

export function topicLabel(topic: string): string {
  return topic.length <= 64 && KNOWN_TOPIC.test(topic) ? topic : 'other';
}
