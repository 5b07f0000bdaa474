import { partitionAgreementSuite } from "@outbound/kafka-test-kit";
import { kafkajsSubject } from "../subject.js";

partitionAgreementSuite(kafkajsSubject);
