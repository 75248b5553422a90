"""boto3 against Nimbus's DynamoDB: the hash_att / range_att flow."""
import os

import boto3
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError


def main() -> None:
    endpoint = os.environ["AWS_ENDPOINT_URL"]
    client = boto3.client("dynamodb", endpoint_url=endpoint)
    resource = boto3.resource("dynamodb", endpoint_url=endpoint)

    client.create_table(
        TableName="smoke",
        AttributeDefinitions=[
            {"AttributeName": "hash_att", "AttributeType": "S"},
            {"AttributeName": "range_att", "AttributeType": "N"},
        ],
        KeySchema=[
            {"AttributeName": "hash_att", "KeyType": "HASH"},
            {"AttributeName": "range_att", "KeyType": "RANGE"},
        ],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    client.get_waiter("table_exists").wait(TableName="smoke", WaiterConfig={"Delay": 1, "MaxAttempts": 10})

    for i in range(1, 8):
        client.put_item(TableName="smoke", Item={"hash_att": {"S": "A"}, "range_att": {"N": str(i)}, "payload": {"S": f"p{i}"}})
    client.put_item(TableName="smoke", Item={"hash_att": {"S": "B"}, "range_att": {"N": "1"}})

    one = client.get_item(TableName="smoke", Key={"hash_att": {"S": "A"}, "range_att": {"N": "3"}})
    assert one["Item"]["payload"] == {"S": "p3"}, one

    written = client.batch_write_item(
        RequestItems={
            "smoke": [
                {"PutRequest": {"Item": {"hash_att": {"S": "A"}, "range_att": {"N": "10"}}}},
                {"PutRequest": {"Item": {"hash_att": {"S": "A"}, "range_att": {"N": "11"}}}},
            ]
        }
    )
    assert written["UnprocessedItems"] == {}, written

    queried = client.query(
        TableName="smoke",
        KeyConditionExpression="hash_att = :h AND range_att >= :r",
        ExpressionAttributeValues={":h": {"S": "A"}, ":r": {"N": "5"}},
    )
    assert [item["range_att"]["N"] for item in queried["Items"]] == ["5", "6", "7", "10", "11"], queried

    table = resource.Table("smoke")
    high = table.query(KeyConditionExpression=Key("hash_att").eq("A") & Key("range_att").gte(5))
    assert [int(item["range_att"]) for item in high["Items"]] == [5, 6, 7, 10, 11], high

    scanned = client.scan(TableName="smoke")
    assert scanned["Count"] == 10, scanned

    try:
        client.put_item(TableName="smoke", Item={"hash_att": {"S": "A"}, "range_att": {"N": "1"}}, ConditionExpression="attribute_not_exists(hash_att)")
        raise AssertionError("the condition should have failed")
    except ClientError as error:
        assert error.response["Error"]["Code"] == "ConditionalCheckFailedException", error.response
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400

    print("OK")


if __name__ == "__main__":
    main()
