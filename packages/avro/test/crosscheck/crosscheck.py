"""Reads Outbound-produced Avro and Protobuf messages from Kafka with Confluent's Python client.

Usage: python crosscheck.py spec.json > result.json

The spec names the broker, the topics and, per topic, the schema and the schema id Outbound
framed with. This script loads those schemas into a MockSchemaRegistryClient under the same ids,
consumes every topic with confluent_kafka.Consumer, decodes each value with Confluent's
AvroDeserializer / ProtobufDeserializer, and re-encodes the decoded value with Confluent's
AvroSerializer / ProtobufSerializer, so the caller can compare both the values and the bytes.
"""

import base64
import datetime
import decimal
import json
import os
import sys
import tempfile
import time
import uuid

from confluent_kafka import Consumer
from confluent_kafka.schema_registry import Schema
from confluent_kafka.schema_registry._sync.mock_schema_registry_client import MockSchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, descriptor_pool, json_format
from google.protobuf.message_factory import GetMessageClass
from grpc_tools import protoc


def register_with_id(client, subject, schema, schema_id):
    # The mock hands out ids in order; setting its counter gives the id Outbound framed with.
    client._store.max_id = schema_id - 1
    got = client.register_schema(subject, schema)
    if got != schema_id:
        raise SystemExit(f"mock registry gave id {got} for {subject}, expected {schema_id}")


def compile_proto(proto_file):
    """Compiles with protoc, returning the pool and the file's serialized FileDescriptorProto."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "set.pb")
        include = os.path.dirname(os.path.abspath(proto_file))
        code = protoc.main(["protoc", f"-I{include}", f"--descriptor_set_out={out}", os.path.basename(proto_file)])
        if code != 0:
            raise SystemExit(f"protoc failed on {proto_file}")
        with open(out, "rb") as handle:
            fds = descriptor_pb2.FileDescriptorSet.FromString(handle.read())
    pool = descriptor_pool.DescriptorPool()
    for file_proto in fds.file:
        pool.Add(file_proto)
    return pool, fds.file[-1].SerializeToString()


def canonical(value):
    """JSON-safe form of a fastavro-decoded value, shared with the TypeScript side."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, datetime.datetime):
        delta = value - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        return {"$ts": delta // datetime.timedelta(milliseconds=1)}
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return {"$bytes": value.hex()}
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if abs(value) <= 2**53 - 1 else {"$int": str(value)}
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    raise TypeError(f"unexpected decoded type {type(value)}")


def main():
    with open(sys.argv[1]) as handle:
        spec = json.load(handle)
    registry = MockSchemaRegistryClient({"url": "mock://"})
    by_topic = {}
    for case in spec["cases"]:
        topic, subject, schema_id = case["topic"], f"{case['topic']}-value", case["schemaId"]
        if case["format"] == "avro":
            register_with_id(registry, subject, Schema(case["schema"], "AVRO"), schema_id)
            deserializer = AvroDeserializer(registry)
            reserializer = AvroSerializer(
                registry, case["schema"], conf={"auto.register.schemas": False, "use.latest.version": True}
            )
            message_class = None
        else:
            pool, file_bytes = compile_proto(case["protoFile"])
            register_with_id(
                registry, subject, Schema(base64.standard_b64encode(file_bytes).decode("ascii"), "PROTOBUF"), schema_id
            )
            message_class = GetMessageClass(pool.FindMessageTypeByName(case["messageName"]))
            deserializer = ProtobufDeserializer(message_class, {}, registry)
            # Registering finds the schema already there (same descriptor bytes) and so reuses its
            # id; use.latest.version would look nested messages up as top-level ones and fail.
            reserializer = ProtobufSerializer(message_class, registry)
        by_topic[topic] = (case, deserializer, reserializer, message_class)

    expected = sum(case["count"] for case in spec["cases"])
    consumer = Consumer(
        {
            "bootstrap.servers": spec["bootstrap"],
            "group.id": spec["groupId"],
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe(list(by_topic))
    results = []
    deadline = time.monotonic() + spec.get("timeoutSec", 60)
    try:
        while len(results) < expected and time.monotonic() < deadline:
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            if msg.error():
                raise SystemExit(f"consumer error: {msg.error()}")
            case, deserializer, reserializer, message_class = by_topic[msg.topic()]
            headers = {k: v.decode("utf-8", "replace") for k, v in (msg.headers() or [])}
            ctx = SerializationContext(msg.topic(), MessageField.VALUE, msg.headers())
            decoded = deserializer(msg.value(), ctx)
            if case["format"] == "avro":
                value = canonical(decoded)
            else:
                value = json_format.MessageToDict(decoded)
            reserialized = reserializer(decoded, ctx)
            results.append(
                {
                    "topic": msg.topic(),
                    "offset": msg.offset(),
                    "headers": headers,
                    "valueHex": msg.value().hex(),
                    "decoded": value,
                    "reserializedHex": reserialized.hex(),
                }
            )
    finally:
        consumer.close()
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
