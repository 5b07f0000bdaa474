import { compressionSuite } from "@outbound/kafka-test-kit";
import { kafkajsSubject } from "../subject.js";

compressionSuite(kafkajsSubject);
