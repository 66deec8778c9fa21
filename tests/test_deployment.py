"""Deployment artefacts: the SAM template, the checked-in OpenAPI document and the Lambda bundle."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from soulmate_adapters.dynamodb_artists import ARTISTS_SUFFIX
from soulmate_adapters.dynamodb_artists import KEY_ATTRIBUTE as ARTIST_KEY
from soulmate_api.openapi import openapi_yaml
from tests.cfn_template import load_template

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "sklearn", "scipy", "plotly", "streamlit")


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template()


def test_cfn_lint_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), str(REPO / "template.yaml")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_sam_validate_passes_when_sam_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    sam = shutil.which("sam")
    if sam is None:
        pytest.skip(
            "aws-sam-cli is not installed (it is not a test dependency); cfn-lint checks the template"
        )
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    result = subprocess.run(
        [sam, "validate", "--lint", "-t", str(REPO / "template.yaml")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_function_is_arm64_python_and_runs_the_handler(template: dict[str, Any]) -> None:
    glob = template["Globals"]["Function"]
    assert glob["Architectures"] == ["arm64"] and glob["Runtime"].startswith("python3.")
    function = template["Resources"]["ApiFunction"]["Properties"]
    assert function["Handler"] == "soulmate_api.handler.handler"
    assert function["CodeUri"] == "build/lambda/"
    routes = {(e["Properties"]["Method"], e["Properties"]["Path"]) for e in function["Events"].values()}
    document = yaml.safe_load(openapi_yaml())
    documented = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}
    assert routes == documented


SNAPSHOT_OBJECT = {"Sub": "${IndexBucket.Arn}/index.npz"}


def grants_of(template: dict[str, Any], function: str) -> dict[str, tuple[list[str], Any]]:
    statements = template["Resources"][function]["Properties"]["Policies"][0]["Statement"]
    assert all(s["Effect"] == "Allow" and "*" not in json.dumps(s) for s in statements)
    return {s["Sid"]: (sorted(s["Action"]), s["Resource"]) for s in statements}


def test_cognito_sign_in_is_optional_and_guards_only_the_account_routes(template: dict[str, Any]) -> None:
    assert template["Parameters"]["CognitoAuth"]["Default"] == "false"
    assert template["Conditions"]["CognitoOn"] == {"Equals": [{"Ref": "CognitoAuth"}, "true"]}
    resources = template["Resources"]
    cognito = {
        name
        for name, r in resources.items()
        if r["Type"].startswith(("AWS::Cognito::", "AWS::ApiGatewayV2::"))
    }
    assert {"UserPool", "UserPoolClient", "AccountApi", "AccountAuthorizer"} <= cognito
    assert all(
        resources[name].get("Condition") == "CognitoOn" for name in cognito | {"AccountApiInvokesFunction"}
    )

    authorizer = resources["AccountAuthorizer"]["Properties"]
    assert authorizer["AuthorizerType"] == "JWT"
    assert authorizer["JwtConfiguration"] == {
        "Issuer": {"Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}"},
        "Audience": [{"Ref": "UserPoolClient"}],
    }
    routes = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::ApiGatewayV2::Route"]
    assert all(
        r["AuthorizationType"] == "JWT" and r["AuthorizerId"] == {"Ref": "AccountAuthorizer"} for r in routes
    )
    document = yaml.safe_load(openapi_yaml())
    documented = {f"{m.upper()} {p}" for p, ops in document["paths"].items() for m in ops}
    keys = {r["RouteKey"] for r in routes}
    assert keys <= documented
    assert keys == {
        "GET /me",
        "GET /taste-profile/{user_id}",
        "DELETE /taste-profile/{user_id}",
        "GET /matches/{user_id}",
        "POST /share-code",
        "GET /share-code",
        "DELETE /share-code",
        "GET /compare/{code}",
    }
    client = resources["UserPoolClient"]["Properties"]
    assert client["GenerateSecret"] is True and client["AllowedOAuthFlows"] == ["code"]
    assert client["CallbackURLs"] == [{"Ref": "DashboardCallbackUrl"}]


def test_iam_is_least_privilege(template: dict[str, Any]) -> None:
    assert grants_of(template, "ApiFunction") == {
        "ProfilesReadWrite": (
            [
                "dynamodb:BatchGetItem",
                "dynamodb:ConditionCheckItem",
                "dynamodb:DeleteItem",
                "dynamodb:GetItem",
                "dynamodb:PutItem",
            ],
            {"GetAtt": "ProfilesTable.Arn"},
        ),
        "VersionCounter": (["dynamodb:GetItem", "dynamodb:UpdateItem"], {"GetAtt": "ProfilesMetaTable.Arn"}),
        "RecoveryKeysErase": (
            ["dynamodb:DeleteItem", "dynamodb:GetItem"],
            {"GetAtt": "ProfilesKeysTable.Arn"},
        ),
        "ShareCodes": (
            ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"],
            {"GetAtt": "ProfilesSharesTable.Arn"},
        ),
        "ArtistCatalogue": (
            ["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem"],
            {"GetAtt": "ProfilesArtistsTable.Arn"},
        ),
        "SnapshotRead": (["s3:GetObject"], SNAPSHOT_OBJECT),
        "SnapshotMissingIs404": (["s3:ListBucket"], {"GetAtt": "IndexBucket.Arn"}),
    }
    assert grants_of(template, "BuildIndexFunction") == {
        "ProfilesScan": (["dynamodb:Scan"], {"GetAtt": "ProfilesTable.Arn"}),
        "VersionCounterRead": (["dynamodb:GetItem"], {"GetAtt": "ProfilesMetaTable.Arn"}),
        "SnapshotWrite": (["s3:AbortMultipartUpload", "s3:PutObject"], SNAPSHOT_OBJECT),
    }


def test_the_snapshot_bucket_is_encrypted_private_tls_only_and_kept(template: dict[str, Any]) -> None:
    bucket = template["Resources"]["IndexBucket"]
    assert (bucket["DeletionPolicy"], bucket["UpdateReplacePolicy"]) == ("Retain", "Retain")
    properties = bucket["Properties"]
    (rule,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    (deny,) = template["Resources"]["IndexBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": False}}


def test_build_index_is_a_scheduled_function_of_the_same_bundle(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    build = resources["BuildIndexFunction"]["Properties"]
    assert build["Handler"] == "soulmate_api.build_handler.handler"
    assert build["CodeUri"] == resources["ApiFunction"]["Properties"]["CodeUri"]
    assert build["Timeout"] <= 900 and build["MemorySize"] <= 10240
    (event,) = build["Events"].values()
    assert event["Type"] == "Schedule" and event["Properties"]["Schedule"] == {"Ref": "IndexSchedule"}
    assert template["Parameters"]["IndexSchedule"]["Default"] == "rate(1 hour)"
    for function in ("ApiFunction", "BuildIndexFunction"):
        env = resources[function]["Properties"]["Environment"]["Variables"]
        assert env["SOULMATE_STORE"] == {"Sub": "dynamodb://${ProfilesTable}"}
        assert env["SOULMATE_INDEX"] == {"Sub": "s3://${IndexBucket}/index.npz"}


def test_tables_are_on_demand_and_named_as_the_store_expects(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    tables = (
        "ProfilesTable",
        "ProfilesMetaTable",
        "ProfilesKeysTable",
        "ProfilesSharesTable",
        "ProfilesArtistsTable",
    )
    for name in tables:
        assert resources[name]["Properties"]["BillingMode"] == "PAY_PER_REQUEST"
    assert resources["ProfilesTable"]["Properties"]["KeySchema"] == [
        {"AttributeName": "user_id", "KeyType": "HASH"}
    ]
    profiles = resources["ProfilesTable"]["Properties"]["TableName"]["Sub"]
    assert resources["ProfilesMetaTable"]["Properties"]["TableName"]["Sub"] == profiles + "-meta"
    assert resources["ProfilesKeysTable"]["Properties"]["TableName"]["Sub"] == profiles + "-keys"
    assert resources["ProfilesSharesTable"]["Properties"]["TableName"]["Sub"] == profiles + "-shares"
    artists = resources["ProfilesArtistsTable"]["Properties"]
    assert artists["TableName"]["Sub"] == profiles + ARTISTS_SUFFIX
    assert artists["KeySchema"] == [{"AttributeName": ARTIST_KEY, "KeyType": "HASH"}]
    for name in ("ProfilesKeysTable", "ProfilesSharesTable"):
        assert resources[name]["Properties"]["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    env = resources["ApiFunction"]["Properties"]["Environment"]["Variables"]
    assert env["SOULMATE_STORE"] == {"Sub": "dynamodb://${ProfilesTable}"}


def test_cors_throttling_and_log_retention_are_parameters(template: dict[str, Any]) -> None:
    api = template["Resources"]["HttpApi"]["Properties"]
    assert api["CorsConfiguration"]["AllowOrigins"] == [{"Ref": "CorsAllowOrigin"}]
    assert api["DefaultRouteSettings"] == {
        "ThrottlingRateLimit": {"Ref": "ThrottlingRateLimit"},
        "ThrottlingBurstLimit": {"Ref": "ThrottlingBurstLimit"},
    }
    for group in ("FunctionLogGroup", "ApiAccessLogGroup", "BuildIndexLogGroup"):
        assert template["Resources"][group]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert {"CorsAllowOrigin", "ThrottlingRateLimit", "ThrottlingBurstLimit", "LogRetentionDays"} <= set(
        template["Parameters"]
    )


def test_the_api_gets_its_alias_key_from_a_secret_parameter(template: dict[str, Any]) -> None:
    parameter = template["Parameters"]["AliasSecret"]
    assert parameter["NoEcho"] is True and parameter["MinLength"] >= 32 and "Default" not in parameter
    variables = template["Resources"]["ApiFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["SOULMATE_ALIAS_SECRET"] == {"Ref": "AliasSecret"}


def test_openapi_yaml_is_current() -> None:
    checked_in = (REPO / "openapi.yaml").read_text(encoding="utf-8")
    assert checked_in == openapi_yaml(), "openapi.yaml is out of date: run `make openapi`"


def test_importing_the_handlers_imports_no_heavy_package() -> None:
    code = (
        "import json, sys\n"
        "import soulmate_api.handler, soulmate_api.build_handler\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    loaded = set(json.loads(result.stdout))
    assert not loaded & set(HEAVY), loaded & set(HEAVY)
    assert "boto3" not in loaded  # it waits until a DynamoDB store or an S3 snapshot is opened
    assert "aws_lambda_powertools" in loaded


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_lambda_bundle_holds_only_what_the_handler_needs(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "tools" / "lambda_bundle.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with zipfile.ZipFile(tmp_path / "lambda-bundle.zip") as archive:
        infos = archive.infolist()
    unpacked = sum(info.file_size for info in infos)
    assert unpacked < 100 * 1024 * 1024
    tops = {info.filename.split("/")[0] for info in infos}
    assert {"soulmate_api", "soulmate_core", "aws_lambda_powertools", "pydantic", "spotipy", "numpy"} <= tops
    assert not tops & set(HEAVY), tops & set(HEAVY)
    assert {"soulmate_api/handler.py", "soulmate_api/build_handler.py"} <= {info.filename for info in infos}
