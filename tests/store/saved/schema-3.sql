--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: adjustment; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.adjustment (
    id integer NOT NULL,
    product_id integer NOT NULL,
    qty bigint NOT NULL,
    reason character varying(255) NOT NULL,
    created_at timestamp without time zone NOT NULL
);


--
-- Name: adjustment_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.adjustment_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: adjustment_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.adjustment_id_seq OWNED BY public.adjustment.id;


--
-- Name: counter; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.counter (
    name character varying(255) NOT NULL,
    value bigint NOT NULL
);


--
-- Name: customer_return; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.customer_return (
    id integer NOT NULL,
    order_id integer NOT NULL,
    product_id integer NOT NULL,
    qty bigint NOT NULL,
    created_at timestamp without time zone NOT NULL
);


--
-- Name: customer_return_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.customer_return_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: customer_return_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.customer_return_id_seq OWNED BY public.customer_return.id;


--
-- Name: ledger; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ledger (
    id bigint NOT NULL,
    kind character varying(255) NOT NULL,
    product_id integer NOT NULL,
    on_hand_delta bigint NOT NULL,
    committed_delta bigint NOT NULL,
    at timestamp without time zone NOT NULL,
    document character varying(255) NOT NULL
);


--
-- Name: order_line; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.order_line (
    id integer NOT NULL,
    order_id integer NOT NULL,
    line integer NOT NULL,
    product_id integer NOT NULL,
    ordered bigint NOT NULL,
    committed bigint NOT NULL,
    shipped bigint NOT NULL,
    backordered bigint NOT NULL,
    cancelled bigint NOT NULL
);


--
-- Name: orders; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.orders (
    id integer NOT NULL,
    number character varying(255) NOT NULL,
    customer character varying(255) NOT NULL,
    ordered_at timestamp without time zone NOT NULL,
    priority smallint NOT NULL,
    ship_complete boolean NOT NULL,
    status character varying(255) NOT NULL
);


--
-- Name: preferences; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.preferences (
    id integer NOT NULL,
    backorders_enabled boolean NOT NULL,
    allocation_order character varying(255) NOT NULL
);


--
-- Name: product; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.product (
    id integer NOT NULL,
    sku character varying(255) NOT NULL,
    name character varying(255) NOT NULL,
    discontinued boolean NOT NULL,
    on_hand bigint NOT NULL,
    committed bigint NOT NULL,
    backordered bigint NOT NULL
);


--
-- Name: product_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.product_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: product_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.product_id_seq OWNED BY public.product.id;


--
-- Name: receipt; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.receipt (
    id integer NOT NULL,
    number character varying(255) NOT NULL,
    received_at timestamp without time zone NOT NULL
);


--
-- Name: receipt_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.receipt_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: receipt_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.receipt_id_seq OWNED BY public.receipt.id;


--
-- Name: receipt_line; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.receipt_line (
    id integer NOT NULL,
    receipt_id integer NOT NULL,
    product_id integer NOT NULL,
    qty bigint NOT NULL
);


--
-- Name: receipt_line_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.receipt_line_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: receipt_line_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.receipt_line_id_seq OWNED BY public.receipt_line.id;


--
-- Name: run; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.run (
    id integer NOT NULL,
    process character varying(255) NOT NULL,
    trigger character varying(255) NOT NULL,
    started_at timestamp without time zone NOT NULL,
    finished_at timestamp without time zone,
    outcome character varying(255) NOT NULL,
    ledger_rows bigint NOT NULL,
    products bigint NOT NULL,
    shipments bigint NOT NULL,
    units bigint NOT NULL,
    error text NOT NULL,
    waiting bigint,
    slot timestamp without time zone
);


--
-- Name: run_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.run_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: run_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.run_id_seq OWNED BY public.run.id;


--
-- Name: schedule; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schedule (
    code integer NOT NULL,
    name character varying(255) NOT NULL,
    enabled boolean NOT NULL,
    every integer NOT NULL,
    unit character varying(255) NOT NULL,
    days character varying(255) NOT NULL,
    start character varying(255) NOT NULL,
    "end" character varying(255) NOT NULL,
    saved_at timestamp without time zone
);


--
-- Name: schema_migration; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migration (
    id integer NOT NULL,
    name character varying(255) NOT NULL,
    applied timestamp without time zone NOT NULL
);


--
-- Name: schema_migration_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.schema_migration_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: schema_migration_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.schema_migration_id_seq OWNED BY public.schema_migration.id;


--
-- Name: shipment; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.shipment (
    id integer NOT NULL,
    order_id integer NOT NULL,
    created_at timestamp without time zone NOT NULL,
    created_by character varying(255) NOT NULL,
    run_id integer,
    status character varying(255) NOT NULL,
    closed_at timestamp without time zone
);


--
-- Name: shipment_line; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.shipment_line (
    id integer NOT NULL,
    shipment_id integer NOT NULL,
    order_line_id integer NOT NULL,
    product_id integer NOT NULL,
    qty bigint NOT NULL
);


--
-- Name: shipment_line_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.shipment_line_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: shipment_line_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.shipment_line_id_seq OWNED BY public.shipment_line.id;


--
-- Name: watermark; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.watermark (
    process character varying(255) NOT NULL,
    ledger_id bigint NOT NULL
);


--
-- Name: adjustment id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.adjustment ALTER COLUMN id SET DEFAULT nextval('public.adjustment_id_seq'::regclass);


--
-- Name: customer_return id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customer_return ALTER COLUMN id SET DEFAULT nextval('public.customer_return_id_seq'::regclass);


--
-- Name: product id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.product ALTER COLUMN id SET DEFAULT nextval('public.product_id_seq'::regclass);


--
-- Name: receipt id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.receipt ALTER COLUMN id SET DEFAULT nextval('public.receipt_id_seq'::regclass);


--
-- Name: receipt_line id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.receipt_line ALTER COLUMN id SET DEFAULT nextval('public.receipt_line_id_seq'::regclass);


--
-- Name: run id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.run ALTER COLUMN id SET DEFAULT nextval('public.run_id_seq'::regclass);


--
-- Name: schema_migration id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migration ALTER COLUMN id SET DEFAULT nextval('public.schema_migration_id_seq'::regclass);


--
-- Name: shipment_line id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.shipment_line ALTER COLUMN id SET DEFAULT nextval('public.shipment_line_id_seq'::regclass);


--
-- Data for Name: adjustment; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.adjustment VALUES (1, 2, 4, 'count found more', '2026-12-02 14:21:52');


--
-- Data for Name: counter; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.counter VALUES ('orders', 3);
INSERT INTO public.counter VALUES ('order_line', 5);
INSERT INTO public.counter VALUES ('shipment', 4);
INSERT INTO public.counter VALUES ('ledger', 12);


--
-- Data for Name: customer_return; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.customer_return VALUES (1, 1, 1, 1, '2026-12-02 14:21:53');


--
-- Data for Name: ledger; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.ledger VALUES (1, 'receipt', 1, 6, 0, '2026-12-02 14:21:51', 'receipt R-1');
INSERT INTO public.ledger VALUES (2, 'receipt', 3, 5, 0, '2026-12-02 14:21:51', 'receipt R-1');
INSERT INTO public.ledger VALUES (3, 'commit', 1, 0, 3, '2026-12-02 14:21:51', 'shipment S0000001');
INSERT INTO public.ledger VALUES (4, 'commit', 1, 0, 3, '2026-12-02 14:21:51', 'shipment S0000002');
INSERT INTO public.ledger VALUES (5, 'commit', 3, 0, 4, '2026-12-02 14:21:51', 'shipment S0000002');
INSERT INTO public.ledger VALUES (6, 'commit', 3, 0, 1, '2026-12-02 14:21:51', 'shipment S0000003');
INSERT INTO public.ledger VALUES (7, 'ship', 1, -3, -3, '2026-12-02 14:21:52', 'shipment S0000001');
INSERT INTO public.ledger VALUES (8, 'adjustment', 2, 4, 0, '2026-12-02 14:21:52', 'adjustment 1');
INSERT INTO public.ledger VALUES (9, 'commit', 2, 0, 2, '2026-12-02 14:21:53', 'shipment S0000004');
INSERT INTO public.ledger VALUES (10, 'return', 1, 1, 0, '2026-12-02 14:21:53', 'return 1 order A-1');
INSERT INTO public.ledger VALUES (11, 'release', 1, 0, -3, '2026-12-02 14:21:55', 'shipment S0000002');
INSERT INTO public.ledger VALUES (12, 'release', 3, 0, -4, '2026-12-02 14:21:55', 'shipment S0000002');


--
-- Data for Name: order_line; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.order_line VALUES (5, 3, 1, 3, 6, 1, 0, 5, 0);
INSERT INTO public.order_line VALUES (1, 1, 1, 1, 5, 0, 3, 2, 0);
INSERT INTO public.order_line VALUES (2, 1, 2, 2, 2, 2, 0, 0, 0);
INSERT INTO public.order_line VALUES (3, 2, 1, 1, 3, 0, 0, 3, 0);
INSERT INTO public.order_line VALUES (4, 2, 2, 3, 4, 0, 0, 4, 0);


--
-- Data for Name: orders; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.orders VALUES (1, 'A-1', 'Acme Ltd', '2026-11-20 09:00:00', 5, false, 'open');
INSERT INTO public.orders VALUES (2, 'B-2', 'Bolt & Co', '2026-11-20 10:00:00', 1, true, 'open');
INSERT INTO public.orders VALUES (3, 'C-3', 'Acme Ltd', '2026-11-21 08:30:00', 3, false, 'open');


--
-- Data for Name: preferences; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.preferences VALUES (1, true, 'priority');


--
-- Data for Name: product; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.product VALUES (2, 'G-2', 'Gadget', false, 4, 2, 0);
INSERT INTO public.product VALUES (1, 'W-1', 'Widget', false, 4, 0, 5);
INSERT INTO public.product VALUES (3, 'S-3', 'Sprocket', false, 5, 1, 9);


--
-- Data for Name: receipt; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.receipt VALUES (1, 'R-1', '2026-11-22 08:00:00');


--
-- Data for Name: receipt_line; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.receipt_line VALUES (1, 1, 1, 6);
INSERT INTO public.receipt_line VALUES (2, 1, 3, 5);


--
-- Data for Name: run; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.run VALUES (1, 'primary', 'cli', '2026-12-02 14:21:51', '2026-12-02 14:21:51', 'ok', 2, 2, 3, 11, '', 9, NULL);
INSERT INTO public.run VALUES (2, 'secondary', 'cli', '2026-12-02 14:21:53', '2026-12-02 14:21:53', 'dry-run', 1, 3, 1, 2, '', 9, NULL);
INSERT INTO public.run VALUES (3, 'secondary', 'cli', '2026-12-02 14:21:53', '2026-12-02 14:21:53', 'ok', 1, 3, 1, 2, '', 7, NULL);
INSERT INTO public.run VALUES (4, 'primary', 'cli', '2026-12-02 14:21:54', '2026-12-02 14:21:54', 'skipped', 0, 0, 0, 0, 'back order management is not enabled', 7, NULL);


--
-- Data for Name: schedule; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.schedule VALUES (8050, 'Secondary Backorder Process', false, 1, 'days', 'mon,tue,wed,thu,fri', '18:00', '18:00', NULL);
INSERT INTO public.schedule VALUES (7792, 'Primary Backorder Process', true, 1, 'minutes', 'mon,tue,wed,thu,fri,sat,sun', '00:00', '23:59', '2026-12-02 14:21:54');


--
-- Data for Name: schema_migration; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.schema_migration VALUES (1, '0001_initial', '2026-12-02 14:21:49.929756');
INSERT INTO public.schema_migration VALUES (2, '0002_bigint', '2026-12-02 14:21:49.952521');
INSERT INTO public.schema_migration VALUES (3, '0003_run_slot', '2026-12-02 14:21:49.955378');


--
-- Data for Name: shipment; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.shipment VALUES (3, 3, '2026-12-02 14:21:51', 'primary', 1, 'pending', NULL);
INSERT INTO public.shipment VALUES (1, 1, '2026-12-02 14:21:51', 'primary', 1, 'shipped', '2026-12-02 14:21:52');
INSERT INTO public.shipment VALUES (4, 1, '2026-12-02 14:21:53', 'secondary', 3, 'pending', NULL);
INSERT INTO public.shipment VALUES (2, 2, '2026-12-02 14:21:51', 'primary', 1, 'void', '2026-12-02 14:21:55');


--
-- Data for Name: shipment_line; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.shipment_line VALUES (1, 1, 1, 1, 3);
INSERT INTO public.shipment_line VALUES (2, 2, 3, 1, 3);
INSERT INTO public.shipment_line VALUES (3, 2, 4, 3, 4);
INSERT INTO public.shipment_line VALUES (4, 3, 5, 3, 1);
INSERT INTO public.shipment_line VALUES (5, 4, 2, 2, 2);


--
-- Data for Name: watermark; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.watermark VALUES ('primary', 6);
INSERT INTO public.watermark VALUES ('secondary', 9);


--
-- Name: adjustment_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.adjustment_id_seq', 1, true);


--
-- Name: customer_return_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.customer_return_id_seq', 1, true);


--
-- Name: product_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.product_id_seq', 3, true);


--
-- Name: receipt_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.receipt_id_seq', 1, true);


--
-- Name: receipt_line_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.receipt_line_id_seq', 2, true);


--
-- Name: run_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.run_id_seq', 4, true);


--
-- Name: schema_migration_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.schema_migration_id_seq', 3, true);


--
-- Name: shipment_line_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.shipment_line_id_seq', 5, true);


--
-- Name: adjustment adjustment_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.adjustment
    ADD CONSTRAINT adjustment_pkey PRIMARY KEY (id);


--
-- Name: counter counter_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.counter
    ADD CONSTRAINT counter_pkey PRIMARY KEY (name);


--
-- Name: customer_return customer_return_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customer_return
    ADD CONSTRAINT customer_return_pkey PRIMARY KEY (id);


--
-- Name: ledger ledger_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger
    ADD CONSTRAINT ledger_pkey PRIMARY KEY (id);


--
-- Name: order_line order_line_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.order_line
    ADD CONSTRAINT order_line_pkey PRIMARY KEY (id);


--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);


--
-- Name: preferences preferences_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.preferences
    ADD CONSTRAINT preferences_pkey PRIMARY KEY (id);


--
-- Name: product product_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.product
    ADD CONSTRAINT product_pkey PRIMARY KEY (id);


--
-- Name: receipt_line receipt_line_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.receipt_line
    ADD CONSTRAINT receipt_line_pkey PRIMARY KEY (id);


--
-- Name: receipt receipt_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.receipt
    ADD CONSTRAINT receipt_pkey PRIMARY KEY (id);


--
-- Name: run run_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.run
    ADD CONSTRAINT run_pkey PRIMARY KEY (id);


--
-- Name: schedule schedule_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schedule
    ADD CONSTRAINT schedule_pkey PRIMARY KEY (code);


--
-- Name: schema_migration schema_migration_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migration
    ADD CONSTRAINT schema_migration_pkey PRIMARY KEY (id);


--
-- Name: shipment_line shipment_line_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.shipment_line
    ADD CONSTRAINT shipment_line_pkey PRIMARY KEY (id);


--
-- Name: shipment shipment_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.shipment
    ADD CONSTRAINT shipment_pkey PRIMARY KEY (id);


--
-- Name: watermark watermark_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.watermark
    ADD CONSTRAINT watermark_pkey PRIMARY KEY (process);


--
-- Name: adjustment_product_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX adjustment_product_id ON public.adjustment USING btree (product_id);


--
-- Name: customer_return_order_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customer_return_order_id ON public.customer_return USING btree (order_id);


--
-- Name: customer_return_product_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customer_return_product_id ON public.customer_return USING btree (product_id);


--
-- Name: ledger_kind; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ledger_kind ON public.ledger USING btree (kind, id);


--
-- Name: order_line_order_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX order_line_order_id ON public.order_line USING btree (order_id);


--
-- Name: order_line_order_id_line; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX order_line_order_id_line ON public.order_line USING btree (order_id, line);


--
-- Name: order_line_waiting; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX order_line_waiting ON public.order_line USING btree (product_id) WHERE (backordered > 0);


--
-- Name: orders_number; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX orders_number ON public.orders USING btree (number);


--
-- Name: orders_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX orders_status ON public.orders USING btree (status);


--
-- Name: product_sku; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX product_sku ON public.product USING btree (sku);


--
-- Name: receipt_line_receipt_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX receipt_line_receipt_id ON public.receipt_line USING btree (receipt_id);


--
-- Name: receipt_number; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX receipt_number ON public.receipt USING btree (number);


--
-- Name: run_slot; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX run_slot ON public.run USING btree (process, slot) WHERE (slot IS NOT NULL);


--
-- Name: schema_migration_name; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX schema_migration_name ON public.schema_migration USING btree (name);


--
-- Name: shipment_created_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX shipment_created_at ON public.shipment USING btree (created_at);


--
-- Name: shipment_line_order_line_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX shipment_line_order_line_id ON public.shipment_line USING btree (order_line_id);


--
-- Name: shipment_line_shipment_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX shipment_line_shipment_id ON public.shipment_line USING btree (shipment_id);


--
-- Name: shipment_order_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX shipment_order_id ON public.shipment USING btree (order_id);


--
-- Name: shipment_run_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX shipment_run_id ON public.shipment USING btree (run_id);


--
-- Name: shipment_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX shipment_status ON public.shipment USING btree (status);


--
-- Name: adjustment adjustment_product_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.adjustment
    ADD CONSTRAINT adjustment_product_id_fkey FOREIGN KEY (product_id) REFERENCES public.product(id);


--
-- Name: customer_return customer_return_order_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customer_return
    ADD CONSTRAINT customer_return_order_id_fkey FOREIGN KEY (order_id) REFERENCES public.orders(id);


--
-- Name: customer_return customer_return_product_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customer_return
    ADD CONSTRAINT customer_return_product_id_fkey FOREIGN KEY (product_id) REFERENCES public.product(id);


--
-- Name: ledger ledger_product_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger
    ADD CONSTRAINT ledger_product_id_fkey FOREIGN KEY (product_id) REFERENCES public.product(id);


--
-- Name: order_line order_line_order_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.order_line
    ADD CONSTRAINT order_line_order_id_fkey FOREIGN KEY (order_id) REFERENCES public.orders(id);


--
-- Name: order_line order_line_product_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.order_line
    ADD CONSTRAINT order_line_product_id_fkey FOREIGN KEY (product_id) REFERENCES public.product(id);


--
-- Name: receipt_line receipt_line_product_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.receipt_line
    ADD CONSTRAINT receipt_line_product_id_fkey FOREIGN KEY (product_id) REFERENCES public.product(id);


--
-- Name: receipt_line receipt_line_receipt_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.receipt_line
    ADD CONSTRAINT receipt_line_receipt_id_fkey FOREIGN KEY (receipt_id) REFERENCES public.receipt(id);


--
-- Name: shipment_line shipment_line_order_line_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.shipment_line
    ADD CONSTRAINT shipment_line_order_line_id_fkey FOREIGN KEY (order_line_id) REFERENCES public.order_line(id);


--
-- Name: shipment_line shipment_line_product_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.shipment_line
    ADD CONSTRAINT shipment_line_product_id_fkey FOREIGN KEY (product_id) REFERENCES public.product(id);


--
-- Name: shipment_line shipment_line_shipment_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.shipment_line
    ADD CONSTRAINT shipment_line_shipment_id_fkey FOREIGN KEY (shipment_id) REFERENCES public.shipment(id);


--
-- Name: shipment shipment_order_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.shipment
    ADD CONSTRAINT shipment_order_id_fkey FOREIGN KEY (order_id) REFERENCES public.orders(id);


--
-- Name: shipment shipment_run_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.shipment
    ADD CONSTRAINT shipment_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.run(id);


--
-- PostgreSQL database dump complete
--


