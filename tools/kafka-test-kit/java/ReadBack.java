import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every partition of a topic from the beginning with the Java consumer (which decompresses
 * gzip, lz4 and zstd batches with Kafka's own codecs) and prints "partition<TAB>offset<TAB>base64
 * value" per record, until it has `count` records or 20 seconds passed. The Outbound Kafka tests
 * use it to show that batches compressed by the transport read back in the Java client.
 *
 * Run: java -cp '<kafka lib dir>/*' ReadBack.java <bootstrap> <topic> <count>
 */
public class ReadBack {
  public static void main(String[] args) {
    Properties props = new Properties();
    props.put("bootstrap.servers", args[0]);
    props.put("key.deserializer", ByteArrayDeserializer.class.getName());
    props.put("value.deserializer", ByteArrayDeserializer.class.getName());
    props.put("enable.auto.commit", "false");
    int count = Integer.parseInt(args[2]);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer.partitionsFor(args[1]).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.currentTimeMillis() + 20_000;
      int seen = 0;
      while (seen < count && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          System.out.println(record.partition() + "\t" + record.offset() + "\t" + Base64.getEncoder().encodeToString(record.value()));
          seen++;
        }
      }
    }
  }
}
