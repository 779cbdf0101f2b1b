// GENERATED from openapi.yaml by write-openapi-document.mjs. Do not edit by hand.
export const mallOpenApiDocument: Record<string, unknown> = {
  "openapi": "3.1.0",
  "info": {
    "title": "Mall Finance Sync API",
    "version": "1.0.0",
    "description": "The interface between an online mall (orders, refunds, stored-value cards, points,\ndistribution commissions, withdrawals) and the finance desktop application.\n\nConventions (all endpoints):\n- JSON, UTF-8, snake_case field names.\n- Money: decimal strings in yuan with exactly two decimals (\"1234.50\"), never JSON numbers.\n  Currency is CNY unless `currency` says otherwise.\n- Rates: decimal strings (\"0.1000\" = 10 %).\n- Times: RFC 3339 with offset (\"2026-10-31T23:59:58+08:00\"). Business dates are Asia/Shanghai.\n- Every synced record has `id` (stable, unique per resource), `version` (integer, +1 on every\n  change) and `updated_at`. A client stores (id, version) and must treat a record it has\n  already seen at the same version as a no-op.\n- Incremental lists: ordered by (updated_at, id) ascending. `updated_since` is inclusive.\n  `next_cursor` is opaque; pass it back unchanged; null means the end. A record that changes\n  while a client pages may appear again later with a higher version.\n- Writes take an `Idempotency-Key` header; repeating a write with the same key returns the\n  first result and changes nothing.\n- Errors: `{ \"code\": \"...\", \"message\": \"...\" }`. 401 bad or missing token. 404 unknown id.\n  409 state conflict. 422 invalid body. 429 rate limited, with `Retry-After` (seconds).\n  5xx transient: the client retries with backoff.\n\nAmount identities the mall guarantees (a record that breaks one is invalid data and must be\nreported by the client, not booked):\n- order: goods_amount + shipping_amount - coupon_discount - points_deduction_amount\n         = paid_amount + stored_value_amount + balance_amount\n         (for an order that was never paid, the three tender fields hold the amounts that\n         were due and paid_at is null)\n- order line amounts sum to goods_amount.\n- refund: amount = channel_amount + stored_value_amount + balance_amount\n- commission: amount = round_half_up(basis_amount * rate, 2)\n- withdrawal: net_amount = amount - fee\n"
  },
  "servers": [
    {
      "url": "http://127.0.0.1:8787"
    }
  ],
  "security": [
    {
      "bearer": []
    }
  ],
  "components": {
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer"
      }
    },
    "parameters": {
      "updated_since": {
        "name": "updated_since",
        "in": "query",
        "required": false,
        "schema": {
          "type": "string",
          "format": "date-time"
        }
      },
      "cursor": {
        "name": "cursor",
        "in": "query",
        "required": false,
        "schema": {
          "type": "string"
        }
      },
      "limit": {
        "name": "limit",
        "in": "query",
        "required": false,
        "schema": {
          "type": "integer",
          "minimum": 1,
          "maximum": 1000,
          "default": 500
        }
      },
      "idempotency_key": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": true,
        "schema": {
          "type": "string",
          "maxLength": 64
        }
      }
    },
    "schemas": {
      "Money": {
        "type": "string",
        "pattern": "^-?[0-9]+\\.[0-9]{2}$"
      },
      "Rate": {
        "type": "string",
        "pattern": "^[0-9]+\\.[0-9]{1,6}$"
      },
      "Error": {
        "type": "object",
        "required": [
          "code",
          "message"
        ],
        "properties": {
          "code": {
            "type": "string"
          },
          "message": {
            "type": "string"
          }
        }
      },
      "Page": {
        "type": "object",
        "required": [
          "data",
          "next_cursor"
        ],
        "properties": {
          "next_cursor": {
            "type": [
              "string",
              "null"
            ]
          }
        }
      },
      "Member": {
        "type": "object",
        "required": [
          "id",
          "nickname",
          "is_distributor",
          "created_at",
          "updated_at",
          "version"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "nickname": {
            "type": "string"
          },
          "real_name": {
            "type": [
              "string",
              "null"
            ],
            "description": "verified legal name",
            "null if not verified": null
          },
          "phone_masked": {
            "type": [
              "string",
              "null"
            ],
            "example": "138****1234"
          },
          "wechat_openid": {
            "type": [
              "string",
              "null"
            ]
          },
          "is_distributor": {
            "type": "boolean"
          },
          "parent_distributor_id": {
            "type": [
              "string",
              "null"
            ],
            "description": "the level-1 distributor who referred this member"
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          },
          "updated_at": {
            "type": "string",
            "format": "date-time"
          },
          "version": {
            "type": "integer"
          }
        }
      },
      "OrderLine": {
        "type": "object",
        "required": [
          "line_id",
          "sku",
          "name",
          "quantity",
          "unit_price",
          "amount"
        ],
        "properties": {
          "line_id": {
            "type": "string"
          },
          "sku": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "quantity": {
            "type": "integer",
            "minimum": 1
          },
          "unit_price": {
            "$ref": "#/components/schemas/Money"
          },
          "amount": {
            "$ref": "#/components/schemas/Money"
          },
          "cost_amount": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Money"
              },
              {
                "type": "null"
              }
            ],
            "description": "cost of goods for the line",
            "when the mall knows it": null
          }
        }
      },
      "Order": {
        "type": "object",
        "required": [
          "id",
          "order_no",
          "member_id",
          "status",
          "created_at",
          "currency",
          "goods_amount",
          "shipping_amount",
          "coupon_discount",
          "points_used",
          "points_deduction_amount",
          "stored_value_amount",
          "balance_amount",
          "paid_amount",
          "pay_channel",
          "lines",
          "updated_at",
          "version"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "order_no": {
            "type": "string",
            "description": "merchant order number; sent to WeChat Pay / Alipay as out_trade_no"
          },
          "member_id": {
            "type": "string"
          },
          "status": {
            "type": "string",
            "enum": [
              "unpaid",
              "paid",
              "shipped",
              "completed",
              "closed"
            ]
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          },
          "paid_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "completed_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time",
            "description": "receipt confirmed; revenue is recognised here"
          },
          "closed_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time",
            "description": "closed unpaid",
            "or closed after a full refund": null
          },
          "currency": {
            "type": "string",
            "default": "CNY"
          },
          "goods_amount": {
            "$ref": "#/components/schemas/Money"
          },
          "shipping_amount": {
            "$ref": "#/components/schemas/Money"
          },
          "coupon_discount": {
            "$ref": "#/components/schemas/Money"
          },
          "points_used": {
            "type": "integer",
            "minimum": 0
          },
          "points_deduction_amount": {
            "$ref": "#/components/schemas/Money"
          },
          "stored_value_amount": {
            "$ref": "#/components/schemas/Money",
            "description": "paid from the member's stored-value card"
          },
          "balance_amount": {
            "$ref": "#/components/schemas/Money",
            "description": "paid from the member's withdrawable balance"
          },
          "paid_amount": {
            "$ref": "#/components/schemas/Money",
            "description": "paid through the payment channel"
          },
          "pay_channel": {
            "type": "string",
            "enum": [
              "wechat",
              "alipay",
              "none"
            ],
            "description": "none when nothing was paid through a channel"
          },
          "channel_trade_no": {
            "type": [
              "string",
              "null"
            ],
            "description": "WeChat transaction_id / Alipay trade_no"
          },
          "distributor_id": {
            "type": [
              "string",
              "null"
            ],
            "description": "level-1 distributor credited with the sale"
          },
          "lines": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/OrderLine"
            }
          },
          "updated_at": {
            "type": "string",
            "format": "date-time"
          },
          "version": {
            "type": "integer"
          }
        }
      },
      "RefundLine": {
        "type": "object",
        "required": [
          "line_id",
          "quantity",
          "amount"
        ],
        "properties": {
          "line_id": {
            "type": "string"
          },
          "quantity": {
            "type": "integer"
          },
          "amount": {
            "$ref": "#/components/schemas/Money"
          }
        }
      },
      "Refund": {
        "type": "object",
        "required": [
          "id",
          "refund_no",
          "order_id",
          "order_no",
          "amount",
          "channel_amount",
          "stored_value_amount",
          "balance_amount",
          "points_returned",
          "channel",
          "status",
          "requested_at",
          "updated_at",
          "version"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "refund_no": {
            "type": "string",
            "description": "merchant refund number; WeChat out_refund_no / Alipay out_request_no"
          },
          "order_id": {
            "type": "string"
          },
          "order_no": {
            "type": "string"
          },
          "amount": {
            "$ref": "#/components/schemas/Money"
          },
          "channel_amount": {
            "$ref": "#/components/schemas/Money",
            "description": "returned through the original payment channel"
          },
          "stored_value_amount": {
            "$ref": "#/components/schemas/Money",
            "description": "returned to the stored-value card"
          },
          "balance_amount": {
            "$ref": "#/components/schemas/Money",
            "description": "returned to the member balance"
          },
          "points_returned": {
            "type": "integer",
            "minimum": 0
          },
          "channel": {
            "type": "string",
            "enum": [
              "wechat",
              "alipay",
              "none"
            ]
          },
          "channel_refund_no": {
            "type": [
              "string",
              "null"
            ]
          },
          "status": {
            "type": "string",
            "enum": [
              "requested",
              "approved",
              "processing",
              "succeeded",
              "failed",
              "rejected"
            ]
          },
          "reason": {
            "type": [
              "string",
              "null"
            ]
          },
          "requested_at": {
            "type": "string",
            "format": "date-time"
          },
          "succeeded_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "lines": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/RefundLine"
            }
          },
          "updated_at": {
            "type": "string",
            "format": "date-time"
          },
          "version": {
            "type": "integer"
          }
        }
      },
      "Topup": {
        "type": "object",
        "required": [
          "id",
          "topup_no",
          "member_id",
          "amount",
          "bonus_amount",
          "pay_channel",
          "status",
          "paid_at",
          "updated_at",
          "version"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "topup_no": {
            "type": "string",
            "description": "merchant order number of the top-up payment (out_trade_no)"
          },
          "member_id": {
            "type": "string"
          },
          "amount": {
            "$ref": "#/components/schemas/Money",
            "description": "paid by the member"
          },
          "bonus_amount": {
            "$ref": "#/components/schemas/Money",
            "description": "gift value credited on top (充值赠送)"
          },
          "pay_channel": {
            "type": "string",
            "enum": [
              "wechat",
              "alipay"
            ]
          },
          "channel_trade_no": {
            "type": [
              "string",
              "null"
            ]
          },
          "status": {
            "type": "string",
            "enum": [
              "paid",
              "refunded"
            ]
          },
          "paid_at": {
            "type": "string",
            "format": "date-time"
          },
          "updated_at": {
            "type": "string",
            "format": "date-time"
          },
          "version": {
            "type": "integer"
          }
        }
      },
      "PointsMovement": {
        "type": "object",
        "required": [
          "id",
          "member_id",
          "change",
          "kind",
          "occurred_at",
          "updated_at",
          "version"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "member_id": {
            "type": "string"
          },
          "change": {
            "type": "integer",
            "description": "+ earned / returned, - used / expired"
          },
          "kind": {
            "type": "string",
            "enum": [
              "earn",
              "deduct",
              "return",
              "expire",
              "adjust"
            ]
          },
          "order_id": {
            "type": [
              "string",
              "null"
            ]
          },
          "order_no": {
            "type": [
              "string",
              "null"
            ]
          },
          "cash_value": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Money"
              },
              {
                "type": "null"
              }
            ],
            "description": "money value of the points for deduct / return"
          },
          "occurred_at": {
            "type": "string",
            "format": "date-time"
          },
          "updated_at": {
            "type": "string",
            "format": "date-time"
          },
          "version": {
            "type": "integer"
          }
        }
      },
      "Commission": {
        "type": "object",
        "required": [
          "id",
          "distributor_id",
          "order_id",
          "order_no",
          "line_id",
          "level",
          "basis_amount",
          "rate",
          "amount",
          "status",
          "created_at",
          "updated_at",
          "version"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "distributor_id": {
            "type": "string"
          },
          "order_id": {
            "type": "string"
          },
          "order_no": {
            "type": "string"
          },
          "line_id": {
            "type": "string",
            "description": "the order line the commission is computed on"
          },
          "level": {
            "type": "integer",
            "enum": [
              1,
              2
            ]
          },
          "basis_amount": {
            "$ref": "#/components/schemas/Money",
            "description": "the line amount the rate applies to"
          },
          "rate": {
            "$ref": "#/components/schemas/Rate"
          },
          "amount": {
            "$ref": "#/components/schemas/Money"
          },
          "status": {
            "type": "string",
            "enum": [
              "pending",
              "settleable",
              "cancelled"
            ],
            "description": "pending until the order completes and the return window passes; cancelled when the order line is refunded"
          },
          "settleable_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          },
          "updated_at": {
            "type": "string",
            "format": "date-time"
          },
          "version": {
            "type": "integer"
          }
        }
      },
      "Withdrawal": {
        "type": "object",
        "required": [
          "id",
          "withdrawal_no",
          "member_id",
          "source",
          "amount",
          "fee",
          "net_amount",
          "method",
          "status",
          "submitted_at",
          "updated_at",
          "version"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "withdrawal_no": {
            "type": "string"
          },
          "member_id": {
            "type": "string"
          },
          "source": {
            "type": "string",
            "enum": [
              "balance",
              "commission"
            ]
          },
          "amount": {
            "$ref": "#/components/schemas/Money"
          },
          "fee": {
            "$ref": "#/components/schemas/Money"
          },
          "net_amount": {
            "$ref": "#/components/schemas/Money"
          },
          "method": {
            "type": "string",
            "enum": [
              "wechat",
              "alipay",
              "bank"
            ]
          },
          "payee_openid": {
            "type": [
              "string",
              "null"
            ]
          },
          "payee_account_masked": {
            "type": [
              "string",
              "null"
            ]
          },
          "real_name": {
            "type": [
              "string",
              "null"
            ]
          },
          "status": {
            "type": "string",
            "enum": [
              "submitted",
              "approved",
              "rejected",
              "paid",
              "failed",
              "cancelled"
            ]
          },
          "submitted_at": {
            "type": "string",
            "format": "date-time"
          },
          "updated_at": {
            "type": "string",
            "format": "date-time"
          },
          "version": {
            "type": "integer"
          }
        }
      },
      "MemberBalance": {
        "type": "object",
        "required": [
          "member_id",
          "stored_value",
          "balance",
          "commission",
          "points"
        ],
        "description": "What the mall owes a member at the as_of instant: the opening balances of the books.",
        "properties": {
          "member_id": {
            "type": "string"
          },
          "stored_value": {
            "$ref": "#/components/schemas/Money",
            "description": "stored-value card balance",
            "bonus included": null
          },
          "balance": {
            "$ref": "#/components/schemas/Money",
            "description": "withdrawable member balance"
          },
          "commission": {
            "$ref": "#/components/schemas/Money",
            "description": "commission that has become settleable and is not yet paid out or withdrawn (distributors only",
            "else 0.00)": null
          },
          "points": {
            "type": "integer",
            "minimum": 0
          }
        }
      },
      "DailySummary": {
        "type": "object",
        "required": [
          "date",
          "gmv",
          "order_count",
          "paid_amount",
          "refund_amount",
          "refund_count",
          "topup_amount"
        ],
        "description": "Business totals for one Asia/Shanghai date, for cross-checking the books. gmv = sum over orders paid that date of goods_amount + shipping_amount - coupon_discount.",
        "properties": {
          "date": {
            "type": "string",
            "format": "date"
          },
          "gmv": {
            "$ref": "#/components/schemas/Money"
          },
          "order_count": {
            "type": "integer"
          },
          "paid_amount": {
            "$ref": "#/components/schemas/Money",
            "description": "sum of paid_amount over those orders"
          },
          "refund_amount": {
            "$ref": "#/components/schemas/Money",
            "description": "sum of amount over refunds succeeded that date"
          },
          "refund_count": {
            "type": "integer"
          },
          "topup_amount": {
            "$ref": "#/components/schemas/Money"
          }
        }
      }
    }
  },
  "paths": {
    "/v1/ping": {
      "get": {
        "summary": "Who am I talking to",
        "responses": {
          "200": {
            "description": "ok",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "mall_name",
                    "merchant_id",
                    "server_time"
                  ],
                  "properties": {
                    "mall_name": {
                      "type": "string"
                    },
                    "merchant_id": {
                      "type": "string"
                    },
                    "server_time": {
                      "type": "string",
                      "format": "date-time"
                    }
                  }
                }
              }
            }
          }
        }
      }
    },
    "/v1/members": {
      "get": {
        "parameters": [
          {
            "$ref": "#/components/parameters/updated_since"
          },
          {
            "$ref": "#/components/parameters/cursor"
          },
          {
            "$ref": "#/components/parameters/limit"
          }
        ],
        "responses": {
          "200": {
            "description": "a page",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/Page"
                    },
                    {
                      "properties": {
                        "data": {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/Member"
                          }
                        }
                      }
                    }
                  ]
                }
              }
            }
          }
        }
      }
    },
    "/v1/orders": {
      "get": {
        "parameters": [
          {
            "$ref": "#/components/parameters/updated_since"
          },
          {
            "$ref": "#/components/parameters/cursor"
          },
          {
            "$ref": "#/components/parameters/limit"
          }
        ],
        "responses": {
          "200": {
            "description": "a page",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/Page"
                    },
                    {
                      "properties": {
                        "data": {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/Order"
                          }
                        }
                      }
                    }
                  ]
                }
              }
            }
          }
        }
      }
    },
    "/v1/refunds": {
      "get": {
        "parameters": [
          {
            "$ref": "#/components/parameters/updated_since"
          },
          {
            "$ref": "#/components/parameters/cursor"
          },
          {
            "$ref": "#/components/parameters/limit"
          }
        ],
        "responses": {
          "200": {
            "description": "a page",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/Page"
                    },
                    {
                      "properties": {
                        "data": {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/Refund"
                          }
                        }
                      }
                    }
                  ]
                }
              }
            }
          }
        }
      }
    },
    "/v1/topups": {
      "get": {
        "parameters": [
          {
            "$ref": "#/components/parameters/updated_since"
          },
          {
            "$ref": "#/components/parameters/cursor"
          },
          {
            "$ref": "#/components/parameters/limit"
          }
        ],
        "responses": {
          "200": {
            "description": "a page",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/Page"
                    },
                    {
                      "properties": {
                        "data": {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/Topup"
                          }
                        }
                      }
                    }
                  ]
                }
              }
            }
          }
        }
      }
    },
    "/v1/points": {
      "get": {
        "parameters": [
          {
            "$ref": "#/components/parameters/updated_since"
          },
          {
            "$ref": "#/components/parameters/cursor"
          },
          {
            "$ref": "#/components/parameters/limit"
          }
        ],
        "responses": {
          "200": {
            "description": "a page",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/Page"
                    },
                    {
                      "properties": {
                        "data": {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/PointsMovement"
                          }
                        }
                      }
                    }
                  ]
                }
              }
            }
          }
        }
      }
    },
    "/v1/commissions": {
      "get": {
        "parameters": [
          {
            "$ref": "#/components/parameters/updated_since"
          },
          {
            "$ref": "#/components/parameters/cursor"
          },
          {
            "$ref": "#/components/parameters/limit"
          }
        ],
        "responses": {
          "200": {
            "description": "a page",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/Page"
                    },
                    {
                      "properties": {
                        "data": {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/Commission"
                          }
                        }
                      }
                    }
                  ]
                }
              }
            }
          }
        }
      }
    },
    "/v1/withdrawals": {
      "get": {
        "parameters": [
          {
            "$ref": "#/components/parameters/updated_since"
          },
          {
            "$ref": "#/components/parameters/cursor"
          },
          {
            "$ref": "#/components/parameters/limit"
          }
        ],
        "responses": {
          "200": {
            "description": "a page",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/Page"
                    },
                    {
                      "properties": {
                        "data": {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/Withdrawal"
                          }
                        }
                      }
                    }
                  ]
                }
              }
            }
          }
        }
      }
    },
    "/v1/withdrawals/{id}/decision": {
      "post": {
        "summary": "Report the finance team's review decision back to the mall",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "$ref": "#/components/parameters/idempotency_key"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "decision",
                  "reviewed_by",
                  "decided_at"
                ],
                "properties": {
                  "decision": {
                    "type": "string",
                    "enum": [
                      "approve",
                      "reject"
                    ]
                  },
                  "reviewed_by": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    },
                    "description": "the reviewers of every tier",
                    "in order": null
                  },
                  "note": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "decided_at": {
                    "type": "string",
                    "format": "date-time"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "the updated withdrawal",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Withdrawal"
                }
              }
            }
          },
          "409": {
            "description": "the withdrawal is not in status submitted",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/v1/withdrawals/{id}/payout-result": {
      "post": {
        "summary": "Report the outcome of paying an approved withdrawal",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "$ref": "#/components/parameters/idempotency_key"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "status"
                ],
                "properties": {
                  "status": {
                    "type": "string",
                    "enum": [
                      "paid",
                      "failed"
                    ]
                  },
                  "channel_ref": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "paid_at": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time"
                  },
                  "failure_reason": {
                    "type": [
                      "string",
                      "null"
                    ]
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "the updated withdrawal",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Withdrawal"
                }
              }
            }
          },
          "409": {
            "description": "the withdrawal is not approved",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/v1/commission-settlements": {
      "post": {
        "summary": "Tell the mall which commissions a payout settled, so distributors see them as paid",
        "parameters": [
          {
            "$ref": "#/components/parameters/idempotency_key"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "settlement_no",
                  "distributor_id",
                  "commission_ids",
                  "amount",
                  "status"
                ],
                "properties": {
                  "settlement_no": {
                    "type": "string"
                  },
                  "distributor_id": {
                    "type": "string"
                  },
                  "commission_ids": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "amount": {
                    "$ref": "#/components/schemas/Money"
                  },
                  "status": {
                    "type": "string",
                    "enum": [
                      "paid",
                      "failed"
                    ]
                  },
                  "channel_ref": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "paid_at": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "recorded"
          },
          "409": {
            "description": "a commission is cancelled or already settled by another settlement",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/v1/member-balances": {
      "get": {
        "summary": "Every member's balances at one instant, for opening balances and periodic cross-checks",
        "parameters": [
          {
            "name": "as_of",
            "in": "query",
            "required": true,
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "$ref": "#/components/parameters/cursor"
          },
          {
            "$ref": "#/components/parameters/limit"
          }
        ],
        "responses": {
          "200": {
            "description": "a page; members whose balances are all zero may be left out",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/Page"
                    },
                    {
                      "properties": {
                        "data": {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/MemberBalance"
                          }
                        }
                      }
                    }
                  ]
                }
              }
            }
          }
        }
      }
    },
    "/v1/daily-summaries": {
      "get": {
        "parameters": [
          {
            "name": "from",
            "in": "query",
            "required": true,
            "schema": {
              "type": "string",
              "format": "date"
            }
          },
          {
            "name": "to",
            "in": "query",
            "required": true,
            "schema": {
              "type": "string",
              "format": "date"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "one row per date in [from, to], zero rows included",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "data"
                  ],
                  "properties": {
                    "data": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/DailySummary"
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
};
