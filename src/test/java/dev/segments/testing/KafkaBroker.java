package dev.segments.testing;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker inside the test JVM: one KRaft node (broker and controller combined) from Apache
 * Kafka's own test kit, the same version as the client. No Docker, no ZooKeeper. Started once per JVM
 * and shared; each test names its own topics.
 */
public final class KafkaBroker {

    private static KafkaClusterTestKit cluster;

    private KafkaBroker() {
    }

    /** The running broker's bootstrap servers, starting it on first use. */
    public static synchronized String bootstrapServers() {
        if (cluster == null) {
            // the broker must never end the test JVM: Kafka's fatal paths call Exit.exit/halt
            Exit.setExitProcedure((code, message) -> System.err.println("in-process Kafka asked to exit " + code + ": " + message));
            Exit.setHaltProcedure((code, message) -> System.err.println("in-process Kafka asked to halt " + code + ": " + message));
            try {
                KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("offsets.topic.num.partitions", "4")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .setConfigProp("auto.create.topics.enable", "true")
                        .setConfigProp("num.partitions", "1")
                        .build();
                kit.format();
                kit.startup();
                kit.waitForReadyBrokers();
                cluster = kit;
                Runtime.getRuntime().addShutdownHook(new Thread(KafkaBroker::stop, "kafka-broker-stop"));
            } catch (Exception e) {
                throw new IllegalStateException("the in-process Kafka broker did not start", e);
            }
        }
        return cluster.bootstrapServers();
    }

    /** Creates a topic with this many partitions, unless it exists. */
    public static void createTopic(String topic, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("topic " + topic + " not created", e);
            }
        }
    }

    public static Admin admin() {
        Properties config = new Properties();
        config.put("bootstrap.servers", bootstrapServers());
        return Admin.create(config);
    }

    /** Client settings for producers and consumers of the tests. */
    public static Map<String, Object> clientConfig() {
        return Map.of("bootstrap.servers", bootstrapServers());
    }

    private static synchronized void stop() {
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Throwable e) {
                // the JVM is ending anyway
            }
            cluster = null;
        }
    }
}
