/*
 * Prints the partitioner golden vectors (JSON on stdout) by calling the Java clients' own code:
 * Kafka's Utils.murmur2 / Utils.toPositive (the formula of Kafka's BuiltInPartitioner for keyed
 * records) and Pulsar's JavaStringHash / Murmur3Hash32 with MathUtils.signSafeMod (the formula of
 * Pulsar's RoundRobinPartitionMessageRouterImpl for keyed messages).
 *
 * `GenerateVectors kafka` writes murmur2.json, `GenerateVectors pulsar` writes pulsar-hash.json.
 * Regenerate both with packages/core/test/golden/regenerate.sh; never edit the JSON by hand.
 */
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Utils;
import org.apache.pulsar.client.impl.JavaStringHash;
import org.apache.pulsar.client.impl.Murmur3Hash32;
import org.apache.pulsar.client.util.MathUtils;

public class GenerateVectors {
  static final int[] PARTITION_COUNTS = {1, 3, 7, 8, 12, 100, 1000};

  /** A key: its bytes, and the string it came from when it is text. */
  record Key(String label, String text, byte[] bytes) {}

  static Key text(String label, String s) {
    return new Key(label, s, s.getBytes(StandardCharsets.UTF_8));
  }

  static Key binary(String label, int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
    return new Key(label, null, b);
  }

  static List<Key> keys() {
    List<Key> keys = new ArrayList<>();
    keys.add(text("empty", ""));
    keys.add(text("1 byte", "a"));
    keys.add(text("2 bytes", "ab"));
    keys.add(text("3 bytes", "abc"));
    keys.add(text("4 bytes", "abcd"));
    keys.add(text("5 bytes", "abcde"));
    keys.add(text("8 bytes", "abcdefgh"));
    keys.add(text("digits", "21"));
    keys.add(text("word", "foobar"));
    keys.add(text("kafka test key", "a-little-bit-long-string"));
    keys.add(text("kafka test key", "a-little-bit-longer-string"));
    keys.add(text("kafka test key", "lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"));
    keys.add(text("sentence", "The quick brown fox jumps over the lazy dog"));
    keys.add(text("order id", "order-12345"));
    keys.add(text("user id", "user:42"));
    keys.add(text("uuid", "6f1c2a9e-3b7d-4c1a-9e0f-2d8b5a7c4e91"));
    keys.add(text("space", " "));
    keys.add(text("control chars", "tab\tnew\nline\u0000nul"));
    keys.add(text("latin-1", "h\u00e9llo caf\u00e9"));
    keys.add(text("greek", "\u03a9\u03bc\u03ad\u03b3\u03b1"));
    keys.add(text("cyrillic", "\u043c\u0438\u0440"));
    keys.add(text("cjk", "\u65e5\u672c\u8a9e"));
    keys.add(text("emoji (surrogate pair)", "\ud83d\ude00"));
    keys.add(text("mixed emoji", "party \ud83c\udf89 time \u2615"));
    keys.add(text("combining mark", "e\u0301"));
    keys.add(text("BOM", "\ufeffkey"));
    keys.add(text("long ascii 1000", "x".repeat(1000)));
    keys.add(text("long mixed 257", "k\u00e9y-\u65e5-\ud83d\ude00-".repeat(20) + "end!!"));
    keys.add(binary("zero byte", 0x00));
    keys.add(binary("0xff", 0xff));
    keys.add(binary("four zeros", 0, 0, 0, 0));
    keys.add(binary("four 0xff", 0xff, 0xff, 0xff, 0xff));
    keys.add(binary("high bytes", 0x80, 0x81, 0x82));
    keys.add(binary("deadbeef01", 0xde, 0xad, 0xbe, 0xef, 0x01));
    keys.add(binary("invalid utf-8: bad continuation", 0xc3, 0x28));
    keys.add(binary("invalid utf-8: truncated 3-byte", 0xe2, 0x82));
    keys.add(binary("invalid utf-8: encoded surrogate", 0xed, 0xa0, 0x80));
    keys.add(binary("invalid utf-8: truncated 4-byte", 0xf0, 0x9f, 0x98));
    keys.add(binary("invalid utf-8: overlong slash", 0xc0, 0xaf));
    keys.add(binary("invalid utf-8: truncated surrogate", 0xed, 0xa0));
    keys.add(binary("invalid utf-8: surrogate then ascii", 0x61, 0xed, 0xbf, 0xbf, 0x41));
    keys.add(binary("invalid utf-8: above U+10FFFF", 0xf4, 0x90, 0x80, 0x80));
    keys.add(binary("invalid utf-8: 5-byte form", 0xf8, 0x88, 0x80, 0x80, 0x80));
    keys.add(binary("U+10FFFF", 0xf4, 0x8f, 0xbf, 0xbf));
    int[] all = new int[256];
    for (int i = 0; i < 256; i++) all[i] = i;
    keys.add(binary("bytes 0..255", all));
    return keys;
  }

  public static void main(String[] args) {
    String which = args.length == 1 ? args[0] : "";
    if (!which.equals("kafka") && !which.equals("pulsar")) {
      System.err.println("usage: GenerateVectors kafka|pulsar");
      System.exit(2);
    }
    boolean kafka = which.equals("kafka");
    StringBuilder out = new StringBuilder();
    out.append("{\n");
    out.append("  \"generator\": \"packages/core/test/golden/regenerate.sh\",\n");
    out.append("  \"sources\": {\n");
    if (kafka) {
      out.append("    \"murmur2\": \"org.apache.kafka:kafka-clients:4.4.0 Utils.murmur2(key)\",\n");
      out.append("    \"partitions\": \"Utils.toPositive(Utils.murmur2(key)) % partitions\"\n");
    } else {
      out.append("    \"javaStringHash\": \"org.apache.pulsar:pulsar-client-original:4.2.4 JavaStringHash.makeHash(key)\",\n");
      out.append("    \"murmur3\": \"org.apache.pulsar:pulsar-client-original:4.2.4 Murmur3Hash32.makeHash(key)\",\n");
      out.append("    \"partitions\": \"MathUtils.signSafeMod(hash, partitions)\"\n");
    }
    out.append("  },\n");
    out.append("  \"partitionCounts\": [");
    for (int i = 0; i < PARTITION_COUNTS.length; i++) out.append(i == 0 ? "" : ", ").append(PARTITION_COUNTS[i]);
    out.append("],\n");
    out.append("  \"vectors\": [\n");
    List<Key> keys = keys();
    for (int k = 0; k < keys.size(); k++) {
      Key key = keys.get(k);
      out.append("    {\n");
      out.append("      \"label\": ").append(quote(key.label())).append(",\n");
      if (key.text() != null) out.append("      \"text\": ").append(quote(key.text())).append(",\n");
      out.append("      \"hex\": \"").append(hex(key.bytes())).append("\",\n");
      if (kafka) appendKafka(out, key);
      else appendPulsar(out, key);
      out.append(k == keys.size() - 1 ? "    }\n" : "    },\n");
    }
    out.append(kafka ? "  ]\n" : "  ],\n");
    if (!kafka) appendUtf8Fuzz(out);
    out.append("}\n");
    System.out.print(out);
  }

  static void appendKafka(StringBuilder out, Key key) {
    int murmur2 = Utils.murmur2(key.bytes());
    out.append("      \"murmur2\": ").append(murmur2).append(",\n");
    appendPartitions(out, "partition", n -> Utils.toPositive(murmur2) % n, true);
  }

  static void appendPulsar(StringBuilder out, Key key) {
    int javaStringHash = JavaStringHash.getInstance().makeHash(key.bytes());
    int murmur3 = Murmur3Hash32.getInstance().makeHash(key.bytes());
    // Cross-checks: Pulsar's String overloads (what its router calls for a string key) and
    // Guava's murmur3_32_fixed must agree with the byte[] overloads.
    if (key.text() != null) {
      check(JavaStringHash.getInstance().makeHash(key.text()) == javaStringHash, "javaStringHash string/bytes", key);
      check(Murmur3Hash32.getInstance().makeHash(key.text()) == murmur3, "murmur3 string/bytes", key);
    }
    int guava = Hashing.murmur3_32_fixed().hashBytes(key.bytes()).asInt() & Integer.MAX_VALUE;
    check(guava == murmur3, "guava murmur3", key);
    out.append("      \"javaStringHash\": ").append(javaStringHash).append(",\n");
    out.append("      \"murmur3\": ").append(murmur3).append(",\n");
    appendPartitions(out, "javaStringHashPartition", n -> MathUtils.signSafeMod(javaStringHash, n), false);
    appendPartitions(out, "murmur3Partition", n -> MathUtils.signSafeMod(murmur3, n), true);
  }

  /**
   * Seeded random byte strings drawn mostly from UTF-8's edge bytes, hashed with JavaStringHash:
   * they pin how Java's decoder replaces malformed input (it differs from the WHATWG decoder
   * for encoded surrogates), which decides the hash of a binary key.
   */
  static void appendUtf8Fuzz(StringBuilder out) {
    int[] alphabet = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1,
        0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf8, 0xfe, 0xff};
    java.util.Random random = new java.util.Random(20261126L);
    out.append("  \"utf8Fuzz\": [\n");
    int count = 300;
    for (int i = 0; i < count; i++) {
      byte[] b = new byte[1 + random.nextInt(12)];
      for (int j = 0; j < b.length; j++) {
        b[j] = (byte) (random.nextInt(4) == 0 ? 0x80 + random.nextInt(0x40) : alphabet[random.nextInt(alphabet.length)]);
      }
      int hash = JavaStringHash.getInstance().makeHash(b);
      out.append("    { \"hex\": \"").append(hex(b)).append("\", \"javaStringHash\": ").append(hash);
      out.append(i == count - 1 ? " }\n" : " },\n");
    }
    out.append("  ]\n");
  }

  interface PartitionFormula {
    int apply(int partitions);
  }

  static void appendPartitions(StringBuilder out, String name, PartitionFormula formula, boolean last) {
    out.append("      \"").append(name).append("\": {");
    for (int i = 0; i < PARTITION_COUNTS.length; i++) {
      int n = PARTITION_COUNTS[i];
      out.append(i == 0 ? " " : ", ").append('"').append(n).append("\": ").append(formula.apply(n));
    }
    out.append(last ? " }\n" : " },\n");
  }

  static void check(boolean ok, String what, Key key) {
    if (!ok) throw new IllegalStateException(what + " disagree for key " + key.label());
  }

  static String hex(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (byte b : bytes) s.append(String.format("%02x", b & 0xff));
    return s.toString();
  }

  /** JSON string literal; non-ASCII is escaped so the file stays readable in any editor. */
  static String quote(String s) {
    StringBuilder q = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') q.append('\\').append(c);
      else if (c < 0x20 || c > 0x7e) q.append(String.format("\\u%04x", (int) c));
      else q.append(c);
    }
    return q.append('"').toString();
  }
}
