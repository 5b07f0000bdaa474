import { transportSuite } from "@outbound/kafka-test-kit";
import { kafkajsSubject } from "../subject.js";

transportSuite(kafkajsSubject);
