import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces one record per key read from stdin (one UTF-8 key per line) with the Java client's
 * default partitioner, and prints "partition<TAB>key" for each. The Outbound Kafka tests run it to
 * prove that Outbound's murmur2 partitioner puts every key where the Java client does.
 *
 * Run: java -cp '<kafka lib dir>/*' Agree.java <bootstrap> <topic>
 */
public class Agree {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", args[0]);
    props.put("acks", "all");
    props.put("key.serializer", StringSerializer.class.getName());
    props.put("value.serializer", StringSerializer.class.getName());
    BufferedReader keys = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      String key;
      while ((key = keys.readLine()) != null) {
        RecordMetadata metadata = producer.send(new ProducerRecord<>(args[1], key, "java")).get();
        System.out.println(metadata.partition() + "\t" + key);
      }
    }
  }
}
